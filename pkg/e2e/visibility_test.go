package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// Tokens of workspace TA added by TestUsersDirectoryFollowsSlackPermissions.
const (
	visChatOnly = "xoxp-ta-chat-only-token" // user 1, chat:write only
	visBot      = "xoxb-ta-bot-token"       // bot scopes: users:read, no users:read.email
	visGuest    = "xoxp-ta-guest-token"     // a guest sharing a channel with user 0 only
)

func readResource(c *client.Client, uri string) (string, error) {
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := c.ReadResource(context.Background(), req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, rc := range res.Contents {
		if tc, ok := rc.(mcp.TextResourceContents); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), nil
}

// Finding 1, through a real MCP client: a member warms the shared users
// directory (with emails); a chat:write-only token, a bot token without
// users:read.email and a guest then read it. Each gets what its own
// token could read from Slack: nothing (and the missing scope named), the
// people without emails, and only the people the guest shares a channel
// with.
func TestUsersDirectoryFollowsSlackPermissions(t *testing.T) {
	t.Parallel()
	e := newMultiEnv(t, mcptransport.HTTP, 3)
	ws := e.emus["TA"].Workspace()
	ws.AddUser(slackemu.User{ID: "UTAMAIL", Name: "mailer", RealName: "Mae Mailer", Email: "mailer@ta.test"})
	ws.AddUser(slackemu.User{ID: "UTAGUEST", Name: "visitor", Email: "visitor@ta.test", IsRestricted: true})
	ws.AddUser(slackemu.User{ID: "UTABOT", Name: "helper", IsBot: true, BotID: "BTABOT"})
	ws.AddChannel(slackemu.Channel{ID: "CTAGUESTS", Name: "with-guest", Members: []string{tenantUser("TA", 0), "UTAGUEST"}})
	ws.AddToken(visChatOnly, slackemu.Token{UserID: tenantUser("TA", 1), Kind: slackemu.UserToken, Scopes: []string{"chat:write"}})
	ws.AddToken(visBot, slackemu.Token{UserID: "UTABOT", Kind: slackemu.BotToken, Scopes: slackemu.BotScopes()})
	ws.AddToken(visGuest, slackemu.Token{UserID: "UTAGUEST", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})

	member := e.connect(t, mcptransport.HTTP, tenantToken("TA", 0))
	out, err := callText(member, "users_search", map[string]any{"query": "mailer"})
	require.NoError(t, err)
	require.Contains(t, out, "mailer@ta.test", "a member with users:read.email sees emails")
	all, err := readResource(member, "slack://TA/users")
	require.NoError(t, err)
	require.Contains(t, all, "visitor@ta.test")

	for _, tc := range []struct {
		name, token string
		query       string
		want, deny  []string // in the users_search answer
		errWant     string   // users_search is a tool error containing this
	}{
		{"chat:write only", visChatOnly, "mailer", nil, nil, "users:read"},
		{"chat:write only by email", visChatOnly, "mailer@ta.test", nil, nil, "users:read"},
		{"bot without users:read.email", visBot, "mailer", []string{"UTAMAIL"}, []string{"@ta.test"}, ""},
		{"bot searching an email", visBot, "mailer@ta.test", nil, nil, "users:read.email"},
		{"guest, someone it shares a channel with", visGuest, "ta-user0", []string{tenantUser("TA", 0)}, nil, ""},
		{"guest, anyone else", visGuest, "mailer", nil, []string{"UTAMAIL", "mailer"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.connect(t, mcptransport.HTTP, tc.token)
			out, err := callText(c, "users_search", map[string]any{"query": tc.query})
			if tc.errWant != "" {
				require.ErrorContains(t, err, tc.errWant)
				return
			}
			require.NoError(t, err)
			for _, w := range tc.want {
				require.Contains(t, out, w)
			}
			for _, d := range tc.deny {
				require.NotContains(t, out, d)
			}
		})
	}

	t.Run("users resource", func(t *testing.T) {
		_, err := readResource(e.connect(t, mcptransport.HTTP, visChatOnly), "slack://TA/users")
		require.ErrorContains(t, err, "users:read")
		bot, err := readResource(e.connect(t, mcptransport.HTTP, visBot), "slack://TA/users")
		require.NoError(t, err)
		require.Contains(t, bot, "mailer")
		require.NotContains(t, bot, "@ta.test")
		guest, err := readResource(e.connect(t, mcptransport.HTTP, visGuest), "slack://TA/users")
		require.NoError(t, err)
		require.Contains(t, guest, tenantUser("TA", 0))
		require.NotContains(t, guest, "UTAMAIL")
		require.NotContains(t, guest, tenantUser("TA", 2))
	})
}
