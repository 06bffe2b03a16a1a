package tools

import (
	"context"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
)

// confirmWrite asks the person before a write changes Slack (when the
// client can be asked and the operator did not turn asking off). The
// caller returns the error as it is: the server turns a decline and a
// pending question into the right results.
func confirmWrite(ctx context.Context, d *Deps, s *Session, action, channelID, text string) error {
	return d.Confirm.Ask(ctx, confirm.Request{Action: action, Where: placeName(s, channelID), As: asWhom(s), Text: text})
}

// placeName shows a channel as a person knows it, from the cache only.
func placeName(s *Session, channelID string) string {
	if channelID == "" {
		return ""
	}
	if s != nil && s.Channels != nil {
		if c, ok := s.Channels.Cached(channelID); ok {
			switch {
			case c.IsIM && c.PeerUserID != "":
				if u, ok := s.Users.Cached(c.PeerUserID); ok && u.Name != "" {
					return "your DM with @" + u.Name + " (" + channelID + ")"
				}
				return "a DM (" + channelID + ")"
			case c.Name != "":
				return "#" + c.Name + " (" + channelID + ")"
			}
		}
	}
	return channelID
}

// asWhom names the Slack identity a write acts as.
func asWhom(s *Session) string {
	if s == nil || s.Client == nil {
		return ""
	}
	id := s.Client.Identity
	who := id.UserID
	if id.UserName != "" {
		who = "@" + id.UserName
	}
	if id.TeamName != "" {
		who += " in " + id.TeamName
	}
	return who
}
