package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// WorkspaceRules narrow the operator's settings for one workspace (an
// admin's policy, stored and read on every write): a gate missing from the
// map is as the settings say; present, its ChannelPolicy must allow too.
// They never widen: a gate the settings keep closed stays closed.
type WorkspaceRules map[Gate]ChannelPolicy

// WorkspaceRulesFunc returns the rules of a workspace, nil when it has
// none.
type WorkspaceRulesFunc func(ctx context.Context, teamID string) (WorkspaceRules, error)

// ParseWorkspaceRules reads rules written like the settings they narrow:
// gate setting name -> "true", "false", "C1,C2" or "!C1,!C2" (the last
// two only for channel-list gates).
func ParseWorkspaceRules(raw map[string]string) (WorkspaceRules, error) {
	out := WorkspaceRules{}
	for name, value := range raw {
		g, ok := gateNamed(name)
		if !ok {
			return nil, fmt.Errorf("%q is not a write tool setting; use one of %s", name, strings.Join(gateNames(), ", "))
		}
		v := strings.TrimSpace(value)
		if strings.EqualFold(v, "false") || v == "" {
			out[g] = ChannelPolicy{}
			continue
		}
		if !IsChannelGate(g) {
			if !strings.EqualFold(v, "true") {
				return nil, fmt.Errorf("%s: use true or false", name)
			}
			out[g] = AllChannels()
			continue
		}
		p, err := ParseChannelPolicy(name, v)
		if err != nil {
			return nil, err
		}
		out[g] = p
	}
	return out, nil
}

// Gates are the gates of the catalog's tools, in catalog order: the
// settings that open write tools, and what a workspace policy may narrow.
func Gates() []Gate {
	var out []Gate
	for _, t := range Catalog() {
		if t.Gate != GateNone && !slices.Contains(out, t.Gate) {
			out = append(out, t.Gate)
		}
	}
	return out
}

func gateNamed(name string) (Gate, bool) {
	for _, g := range Gates() {
		if string(g) == name {
			return g, true
		}
	}
	return "", false
}

func gateNames() []string {
	var out []string
	for _, g := range Gates() {
		out = append(out, string(g))
	}
	return out
}

// IsChannelGate reports whether g's setting is a channel list.
func IsChannelGate(g Gate) bool { return slices.Contains(ChannelGates, g) }

// teamOf is the workspace a session acts in.
func teamOf(s *Session) string {
	if s == nil || s.Client == nil {
		return ""
	}
	if t := s.Client.TeamParam(); t != "" {
		return t
	}
	return s.Client.Identity.TeamID
}

// rulesKey carries the workspace rules GateOpen read to the handler's
// channel checks, so one tool call reads them once.
type rulesKey struct{}

// GateOpen checks the workspace's rules for a tool's gate before it runs:
// an input error naming the admin policy when the workspace closed it. The
// context it returns carries the rules for the handler's channel checks.
func GateOpen(ctx context.Context, d *Deps, g Gate) (context.Context, error) {
	if g == GateNone || d.Workspace == nil {
		return ctx, nil
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return ctx, err
	}
	rules, err := d.Workspace(ctx, teamOf(s))
	if err != nil {
		return ctx, err
	}
	if p, ok := rules[g]; ok && !p.Enabled {
		return ctx, Inputf("this workspace's admin turned this tool off (%s in its policy)", g)
	}
	return context.WithValue(ctx, rulesKey{}, rules), nil
}

// allowed checks where a channel-list gate may act: the operator's
// setting, then the workspace's rules (as GateOpen read them for this
// call, else read now).
func allowed(ctx context.Context, d *Deps, s *Session, g Gate, channelID, verb string) error {
	if p := d.Policy.Channels(g); p != nil && !p.Allows(channelID) {
		return Inputf("%s %s is not allowed by this server's %s setting", verb, channelID, g)
	}
	if d.Workspace == nil {
		return nil
	}
	rules, ok := ctx.Value(rulesKey{}).(WorkspaceRules)
	if !ok {
		var err error
		if rules, err = d.Workspace(ctx, teamOf(s)); err != nil {
			return err
		}
	}
	if p, ok := rules[g]; ok && !p.Allows(channelID) {
		return Inputf("%s %s is not allowed by this workspace's policy (%s)", verb, channelID, g)
	}
	return nil
}
