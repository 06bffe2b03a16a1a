package oauthserver

import (
	"slices"
	"strings"
)

// WriteAction is one thing an enabled write tool does in Slack, as the
// consent page names it: the tool catalog's title ("Post a message") and
// the Slack scopes it needs.
type WriteAction struct {
	Title       string
	SlackScopes []string
}

// writeOffered reports whether this deployment has a write tool. Only then
// is slack:write advertised, shown on the consent page and granted.
func (s *Server) writeOffered() bool { return len(s.o.WriteActions) > 0 }

// ScopesSupported are the MCP scopes this deployment grants: slack:read,
// and slack:write when a write tool is enabled. The protected resource
// metadata must name the same ones.
func (s *Server) ScopesSupported() []string {
	if s.writeOffered() {
		return []string{ScopeRead, ScopeWrite}
	}
	return []string{ScopeRead}
}

// grantable narrows requested scopes to what the deployment can do:
// without a write tool, slack:write is dropped rather than refused. RFC
// 6749 §3.3 lets the server grant less than asked (the token response
// names the scope granted), and a client that asks for both by habit
// still gets the read access it can use.
func (s *Server) grantable(scopes []string) []string {
	if s.writeOffered() {
		return scopes
	}
	return slices.DeleteFunc(slices.Clone(scopes), func(sc string) bool { return sc == ScopeWrite })
}

// grantableScope is grantable on a stored scope string.
func (s *Server) grantableScope(scope string) string {
	return joinScope(s.grantable(splitScope(scope)))
}

// accessText is the consent pages' one-word summary of scopes.
func accessText(scopes []string) string {
	if slices.Contains(scopes, ScopeWrite) {
		return "read and write"
	}
	return "read only"
}

// permissions are the lines the consent pages list for granted scopes:
// what reading covers (the read Slack scopes, in words), and with
// slack:write each enabled write action with its Slack scopes.
func (s *Server) permissions(scopes []string) (read, write []string) {
	read = describeSlackScopes(s.o.ReadSlackScopes)
	if !slices.Contains(scopes, ScopeWrite) {
		return read, nil
	}
	for _, a := range s.o.WriteActions {
		line := a.Title
		if len(a.SlackScopes) > 0 {
			line += " (" + strings.Join(a.SlackScopes, ", ") + ")"
		}
		write = append(write, line)
	}
	return read, write
}
