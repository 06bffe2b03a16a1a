// Package params parses tool arguments, which are untrusted input written by
// a model or a person, into typed values.
//
// It owns:
//   - argument access over the MCP arguments map, accepting numbers and
//     booleans sent as strings (String, Int, Bool) and refusing an object or
//     a list where one value belongs (Scalar);
//   - counts and limits, where a limit is either a message count ("50") or a
//     time window ("12h", "1d", "2w", "1m", "1y"); 0 means the default and
//     above the maximum is refused with the range (Count, CountArg,
//     ParseLimit, LimitArg);
//   - channel references: an ID ("C0123ABCD"), a name ("#general") or a user
//     ("@john") (ParseChannelRef) and channel type lists (ParseChannelTypes);
//   - Slack message timestamps and message permalinks (ParseTS,
//     ParseMessageURL);
//   - calendar dates and periods for search modifiers (ParseDate,
//     ParseDuring, SlackDate);
//   - opaque pagination cursors bound to the tool, conversation, thread and
//     arguments that issued them (CursorScope), and Slack's (SlackCursor);
//   - emoji names for reactions (Emoji) and whether one is a standard
//     emoji every workspace has (StandardEmoji);
//   - Block Kit blocks given as a JSON string (Blocks).
//
// Every function is pure: the clock is passed in as now, nothing is cached
// and there is no package state. Errors are complete sentences meant to be
// shown to a model as a tool error, so each one says what was expected and,
// where it helps, gives an example of a valid value. Errors echo short
// argument values (numbers, dates, IDs) but never URLs, cursors or anything
// that could be a search query or message text.
//
// The package imports nothing of ours (the standard emoji list comes from
// github.com/kyokomi/emoji); every parser has a fuzz target.
package params
