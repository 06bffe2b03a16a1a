package slackapp

import (
	"testing"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// The person and workspace of Acme, the default workspace.
const (
	TeamID   = "T0ACME"
	UserID   = "U0ALICE"
	UserName = "alice"
	RealName = "Alice Ames"
)

// Default credentials of the app; tests that check a secret never leaks
// use their own.
const (
	ClientID     = "111.222"
	ClientSecret = "slack-secret"
)

// Options say what to start. Zero values take the defaults.
type Options struct {
	// Workspace is served; default Acme(Team{}).
	Workspace *slackemu.Workspace
	// App is registered with Redirect added to its redirect URLs; its
	// ClientID and ClientSecret default to the constants above.
	App      slackemu.OAuthApp
	Redirect string
	// Consent is how the person answers Slack's consent screen; nil
	// approves every install at once.
	Consent *slackemu.Consent
	// Emulator configures the emulator (its clock, rate limits).
	Emulator slackemu.Options
}

// Slack is a started emulator with the app registered.
type Slack struct {
	*slackemu.Server
	Workspace *slackemu.Workspace
	App       slackemu.OAuthApp
}

// Acme is a workspace with one person, alice (UserID); team's unset
// fields default to Acme's ID, name and domain.
func Acme(team slackemu.Team) *slackemu.Workspace {
	if team.ID == "" {
		team.ID = TeamID
	}
	if team.Name == "" {
		team.Name = "Acme"
	}
	if team.Domain == "" {
		team.Domain = "acme"
	}
	ws := slackemu.NewWorkspace(team)
	ws.AddUser(slackemu.User{ID: UserID, Name: UserName, RealName: RealName})
	return ws
}

// Start serves o's workspace until the test ends.
func Start(t testing.TB, o Options) *Slack {
	t.Helper()
	ws := o.Workspace
	if ws == nil {
		ws = Acme(slackemu.Team{})
	}
	app := o.App
	if app.ClientID == "" {
		app.ClientID = ClientID
	}
	if app.ClientSecret == "" {
		app.ClientSecret = ClientSecret
	}
	if o.Redirect != "" {
		app.RedirectURLs = append(app.RedirectURLs, o.Redirect)
	}
	ws.AddOAuthApp(app)
	emu := slackemu.NewServer(ws, o.Emulator)
	t.Cleanup(emu.Close)
	consent := slackemu.Consent{AutoApprove: true}
	if o.Consent != nil {
		consent = *o.Consent
	}
	emu.SetConsent(consent)
	return &Slack{Server: emu, Workspace: ws, App: app}
}
