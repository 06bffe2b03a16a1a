// Package textsafe makes Slack text safe to hand a model: messages, names
// and topics are untrusted input, and characters a person cannot see
// (zero-width spaces, bidirectional overrides and isolates, Unicode tag
// characters, control characters) can hide instructions from the person
// while the model reads them. Clean removes them; Dirty says, without
// allocating, whether there is anything to remove. pkg/server applies it
// to every tool result, text and structured content alike.
//
// Kept: tab, newline and carriage return; the zero-width joiner (U+200D)
// and variation selectors, which compose emoji; the line and paragraph
// separators, which are visible breaks.
package textsafe
