package provider

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// SingleOptions configure the single-user provider.
type SingleOptions struct {
	Factory     *slackapi.Factory
	Credentials slackapi.Credentials
	// CacheDir holds the directory cache files; "" disables persistence
	// unless UsersCache/ChannelsCache name files explicitly.
	CacheDir      string
	UsersCache    string
	ChannelsCache string
	TTL           time.Duration
	// MinRefreshInterval bounds how often a cache miss may trigger a
	// directory sweep (0: the workspace package's default).
	MinRefreshInterval time.Duration
	// Observer counts directory lookups (metrics); nil counts nothing.
	Observer workspace.Observer
	// NoWarm leaves the directories unloaded at start (no cache file, no
	// Slack call) until the first tool call asks for the session (--no-cache).
	NoWarm bool
	Logger zerolog.Logger
}

// Single serves every request with one session.
type Single struct {
	session *tools.Session
	// err answers every Session call when the token cannot be used at
	// all: an org-wide token with no workspace to act in.
	err   error
	warm  sync.Once
	start func()
	ready readiness
}

// NewSingle validates the token with auth.test and starts warming the
// directories in the background; it returns without waiting for them.
// An org-level (Enterprise Grid org-wide) token gets its workspace
// settled first (slackapi.Options.TeamID, or the only one it reaches);
// when none can be, the server still starts and every tool call answers
// which workspaces the token reaches.
func NewSingle(ctx context.Context, o SingleOptions) (*Single, error) {
	client, err := o.Factory.Connect(ctx, o.Credentials)
	if err != nil {
		return nil, err
	}
	id := client.Identity
	var choice *slackapi.TeamChoiceError
	if id.OrgLevel() {
		team, err := client.ChooseTeam(ctx)
		switch {
		case errors.As(err, &choice):
			o.Logger.Warn().Msg(choice.Error())
		case err != nil && client.TargetTeamID == "":
			return nil, fmt.Errorf("listing the workspaces of an org-wide token (auth.teams.list): %w", err)
		case err != nil:
			o.Logger.Warn().Err(err).Str("team", client.TargetTeamID).Msg("could not check the workspace with auth.teams.list; using it as configured")
		default:
			id.TeamID = team // names the cache files
		}
	}
	usersFile, channelsFile := o.UsersCache, o.ChannelsCache
	if o.CacheDir != "" {
		if usersFile == "" {
			usersFile = filepath.Join(o.CacheDir, "users_"+id.TeamID+".json")
		}
		if channelsFile == "" {
			// Channel visibility is per user.
			channelsFile = filepath.Join(o.CacheDir, "channels_"+id.TeamID+"_"+id.UserID+".json")
		}
	}
	base := workspace.Options{TTL: o.TTL, MinRefreshInterval: o.MinRefreshInterval, TeamID: client.TeamParam(), CacheTeamID: id.TeamID, Logger: o.Logger, Observer: o.Observer}
	uo, co := base, base
	uo.CacheFile, co.CacheFile = usersFile, channelsFile
	s := &tools.Session{
		Client:   client,
		Users:    workspace.NewUsers(client, uo),
		Channels: workspace.NewChannels(client, co),
	}
	if choice != nil {
		return &Single{session: s, err: choice}, nil
	}
	p := &Single{session: s, start: func() {
		// The server's context, not a request's: the directories live
		// as long as the server.
		s.Users.Start(ctx)
		s.Channels.Start(ctx)
	}}
	if !o.NoWarm {
		p.warm.Do(p.start)
	}
	return p, nil
}

// Session implements tools.Provider. When the token cannot act in any
// workspace the error says why; the session still comes with it, for
// callers that only read its identity. With NoWarm the first call starts
// the directories.
func (p *Single) Session(context.Context) (*tools.Session, error) {
	if p.err != nil {
		return p.session, p.err
	}
	p.warm.Do(p.start)
	return p.session, nil
}

// Peek returns the session without starting directories left cold by
// NoWarm: for start-up code that needs only the identity.
func (p *Single) Peek() *tools.Session { return p.session }

// Stopped waits for the directories' background work (a sweep writing
// its cache file) once the context given to NewSingle is done.
func (p *Single) Stopped() {
	p.session.Users.Stopped()
	p.session.Channels.Stopped()
}

// Identity is who the token belongs to.
func (p *Single) Identity() slackapi.Identity { return p.session.Client.Identity }

// CacheStatus reports directory readiness for /health.
func (p *Single) CacheStatus() map[string]any {
	return map[string]any{
		"users":    map[string]any{"ready": p.session.Users.Ready(), "count": p.session.Users.Len()},
		"channels": map[string]any{"ready": p.session.Channels.Ready(), "count": p.session.Channels.Len()},
	}
}
