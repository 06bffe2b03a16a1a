package tools

import (
	"regexp"
	"strings"
)

// sandboxNote opens the description of every write tool when the server
// serves the demo sandbox: there, writes are all on and change only the
// made-up workspace.
const sandboxNote = "DEMO SANDBOX: this changes only the made-up sandbox workspace this server serves, never real Slack; it is on for trying. "

// enablement matches the sentences of write-tool descriptions that say
// which setting turns the tool on, untrue in the sandbox (every gate is
// open there).
var enablement = regexp.MustCompile(`\s*(Off unless the operator enables [^(]*\([^)]*\)[^.]*\.|Same enablement as \w+\.)`)

// ForSandbox returns t as the demo sandbox serves it: a tool that changes
// anything says that its changes stay in the sandbox instead of naming the
// setting that enables it.
func (t Tool) ForSandbox() Tool {
	if t.ReadOnly {
		return t
	}
	t.Description = sandboxNote + strings.TrimSpace(enablement.ReplaceAllString(t.Description, ""))
	return t
}
