package tools

import (
	"strings"
)

// MarkdownTable renders the catalog as the README's tool table, so the
// README is generated from the one list of tools.
func MarkdownTable(catalog []Tool) string {
	var b strings.Builder
	b.WriteString("| Tool | What it does | Toolset | Read-only | Enabled by | Slack user scopes |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, t := range catalog {
		ro := "no"
		if t.ReadOnly {
			ro = "yes"
		}
		gate := "default"
		if t.Gate != GateNone {
			gate = "`" + string(t.Gate) + "`"
		}
		b.WriteString("| `" + t.Name + "` | " + t.Title + " | " + t.Toolset + " | " + ro + " | " + gate + " | " + scopeCell(t.Scopes) + " |\n")
	}
	return b.String()
}

// scopeCell shows a tool's scopes; Slack needs none for a few methods.
func scopeCell(scopes []string) string {
	if len(scopes) == 0 {
		return "none"
	}
	return strings.Join(scopes, ", ")
}
