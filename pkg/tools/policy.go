package tools

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Policy holds the operator's safety settings that handlers consult.
type Policy struct {
	// AddMessage decides where conversations_add_message may post.
	AddMessage ChannelPolicy
	// Reactions decides where reactions_add/reactions_remove may act.
	Reactions ChannelPolicy
	// EditMessage and DeleteMessage decide where conversations_edit_message
	// and conversations_delete_message may act.
	EditMessage, DeleteMessage ChannelPolicy
	// Schedule decides where messages may be scheduled (and their schedule
	// deleted); FileUpload where files may be shared.
	Schedule, FileUpload ChannelPolicy
	// UploadDir is the only directory files_upload may read a local path
	// from (SLACK_MCP_UPLOAD_DIR); empty: no local paths.
	UploadDir string
	// UploadMaxBytes caps one upload (SLACK_MCP_UPLOAD_MAX_BYTES).
	UploadMaxBytes int64
	// Unfurl decides link unfurling of posted messages.
	Unfurl UnfurlPolicy
	// HistoryPageMax caps the messages one conversations.history or
	// conversations.replies call asks for (0: Slack's own maximum). Slack
	// limits commercially distributed non-Marketplace apps to 15.
	HistoryPageMax int
	// MarkAfterPost marks the channel read after conversations_add_message
	// posts (SLACK_MCP_ADD_MESSAGE_MARK).
	MarkAfterPost bool
}

// ChannelGates are the gates whose setting is a channel list
// ("true", "C1,C2" or "!C1,!C2") rather than a plain switch.
var ChannelGates = []Gate{GateAddMessage, GateReactions, GateEditMessage, GateDeleteMessage, GateSchedule, GateFileUpload}

// Channels returns the channel policy a channel-list gate fills, nil for
// any other gate.
func (p *Policy) Channels(g Gate) *ChannelPolicy {
	switch g {
	case GateAddMessage:
		return &p.AddMessage
	case GateReactions:
		return &p.Reactions
	case GateEditMessage:
		return &p.EditMessage
	case GateDeleteMessage:
		return &p.DeleteMessage
	case GateSchedule:
		return &p.Schedule
	case GateFileUpload:
		return &p.FileUpload
	}
	return nil
}

// historyPage applies HistoryPageMax to a page size.
func (p Policy) historyPage(n int) int {
	if p.HistoryPageMax > 0 && n > p.HistoryPageMax {
		return p.HistoryPageMax
	}
	return n
}

// ChannelPolicy is parsed from a setting such as SLACK_MCP_ADD_MESSAGE_TOOL:
// "true" (everywhere), "C1,C2" (only these) or "!C1,!C2" (all but these).
type ChannelPolicy struct {
	Enabled bool
	allow   map[string]bool
	deny    map[string]bool
}

// AllChannels is the policy of a tool enabled everywhere.
func AllChannels() ChannelPolicy { return ChannelPolicy{Enabled: true} }

// ParseChannelPolicy parses the setting value; "" and "false" mean disabled.
func ParseChannelPolicy(setting, value string) (ChannelPolicy, error) {
	v := strings.TrimSpace(value)
	switch strings.ToLower(v) {
	case "", "false", "0", "no", "off":
		return ChannelPolicy{}, nil
	case "true", "1", "yes", "on", "*":
		return AllChannels(), nil
	}
	p := ChannelPolicy{Enabled: true}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		negated := strings.HasPrefix(item, "!")
		id := strings.TrimPrefix(item, "!")
		if !params.IsConversationID(id) {
			return ChannelPolicy{}, fmt.Errorf("%s: %q is not a channel ID (expected true, C123,C456 or !C123)", setting, item)
		}
		if negated {
			if p.deny == nil {
				p.deny = map[string]bool{}
			}
			p.deny[id] = true
		} else {
			if p.allow == nil {
				p.allow = map[string]bool{}
			}
			p.allow[id] = true
		}
	}
	if p.allow != nil && p.deny != nil {
		return ChannelPolicy{}, fmt.Errorf("%s: mix of allowed and !denied channels; use either a list of allowed IDs or a list of !IDs", setting)
	}
	if p.allow == nil && p.deny == nil {
		return ChannelPolicy{}, fmt.Errorf("%s: no channel IDs in %q", setting, value)
	}
	return p, nil
}

// Allows reports whether the tool may act in the channel.
func (p ChannelPolicy) Allows(channelID string) bool {
	if !p.Enabled {
		return false
	}
	if p.allow != nil {
		return p.allow[channelID]
	}
	return !p.deny[channelID]
}

// UnfurlPolicy is parsed from SLACK_MCP_ADD_MESSAGE_UNFURLING: off by
// default, "true" for all links, or a domain allow-list.
type UnfurlPolicy struct {
	All     bool
	Domains []string
}

// ParseUnfurlPolicy parses the setting value.
func ParseUnfurlPolicy(value string) UnfurlPolicy {
	v := strings.TrimSpace(value)
	switch strings.ToLower(v) {
	case "", "false", "0", "no", "off":
		return UnfurlPolicy{}
	case "true", "1", "yes", "on":
		return UnfurlPolicy{All: true}
	}
	var p UnfurlPolicy
	for _, d := range strings.Split(v, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			p.Domains = append(p.Domains, strings.TrimPrefix(d, "*."))
		}
	}
	return p
}

// Unfurl reports whether a message with these links may unfurl: every link
// must be on an allowed domain (one unknown link turns unfurling off).
func (p UnfurlPolicy) Unfurl(links []string) bool {
	if p.All {
		return true
	}
	if len(p.Domains) == 0 || len(links) == 0 {
		return false
	}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || !p.domainAllowed(strings.ToLower(u.Hostname())) {
			return false
		}
	}
	return true
}

func (p UnfurlPolicy) domainAllowed(host string) bool {
	for _, d := range p.Domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
