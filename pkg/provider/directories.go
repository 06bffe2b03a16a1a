package provider

import (
	"context"
	"sync/atomic"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// shared is what a directory shared by several sessions needs: its
// members, the newest client for background sweeps, and the context whose
// cancellation stops those sweeps. members is guarded by Multi.mu.
type shared struct {
	key     string
	m       *Multi
	ctx     context.Context
	cancel  context.CancelFunc
	members map[*entry]*slackapi.Client
	latest  atomic.Pointer[slackapi.Client]
	// rank orders members as users.list sweepers (lower first, negative
	// never); nil for channels directories, which sweep with latest.
	rank func(dirAccess) int
}

func newShared(m *Multi, key string, cl *slackapi.Client) *shared {
	ctx, cancel := context.WithCancel(context.Background())
	s := &shared{key: key, m: m, ctx: ctx, cancel: cancel, members: map[*entry]*slackapi.Client{}}
	s.latest.Store(cl)
	return s
}

func (s *shared) join(e *entry, cl *slackapi.Client) {
	s.members[e] = cl
	s.latest.Store(cl)
}

// leave removes e and reports whether the directory is now unused (its
// refresh is then stopped). A departing client is replaced as the sweep
// client by another member's.
func (s *shared) leave(e *entry) bool {
	cl := s.members[e]
	delete(s.members, e)
	if len(s.members) == 0 {
		s.cancel()
		return true
	}
	if s.latest.Load() == cl {
		for _, other := range s.members {
			s.latest.Store(other)
			break
		}
	}
	return false
}

// client is the caller's own client when ctx carries a member of this
// directory (so targeted lookups run with the caller's permissions and an
// auth failure is the caller's), else the newest member's.
func (s *shared) client(ctx context.Context) *slackapi.Client {
	if c := tenant.From(ctx); c != nil {
		s.m.mu.Lock()
		e := s.m.entries[caller.KeyOf(c)]
		var cl *slackapi.Client
		if e != nil {
			cl = s.members[e]
		}
		s.m.mu.Unlock()
		if cl != nil {
			return cl
		}
	}
	return s.latest.Load()
}

// sweeper is the client of the best-ranked member, nil when no member
// may sweep.
func (s *shared) sweeper() *slackapi.Client {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	var best *slackapi.Client
	bestRank := -1
	for e, cl := range s.members {
		r := s.rank(e.access)
		if r >= 0 && (best == nil || r < bestRank) {
			best, bestRank = cl, r
		}
	}
	return best
}

// wsDir is the users directory of one workspace, and the private
// directories of its members who may not read it (visibility.go).
type wsDir struct {
	*shared
	users   *workspace.Users
	private map[string]*privDir // user/kind/scopes -> directory
	privOf  map[*entry]*privDir
}

// userDir is the channels directory of one Slack user.
type userDir struct {
	*shared
	channels *workspace.Channels
}

type usersAPI struct{ s *shared }

// SweepClient implements workspace.SweepSource: sweeps run with the
// best-ranked member's token, never with one that may not read the
// directory.
func (a usersAPI) SweepClient() (workspace.UsersAPI, error) {
	if cl := a.s.sweeper(); cl != nil {
		return cl, nil
	}
	return nil, errNoSweeper
}

// SweepShareable implements workspace.ShareableSweeps: only a sweep by a
// member who sees the whole directory (with emails) is shared with other
// replicas.
func (a usersAPI) SweepShareable() bool {
	a.s.m.mu.Lock()
	defer a.s.m.mu.Unlock()
	for e := range a.s.members {
		if a.s.rank(e.access) == 0 {
			return true
		}
	}
	return false
}

// GetUsersPaginated is not used by sweeps, which ask SweepClient; it
// answers through the same choice.
func (a usersAPI) GetUsersPaginated(options ...slack.GetUsersOption) slack.UserPagination {
	cl := a.s.sweeper()
	if cl == nil {
		cl = a.s.latest.Load()
	}
	return cl.GetUsersPaginated(options...)
}

func (a usersAPI) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error) {
	return a.s.client(ctx).GetUserInfoContext(ctx, user, options...)
}

func (a usersAPI) GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error) {
	return a.s.client(ctx).GetUserByEmailContext(ctx, email)
}

type channelsAPI struct{ s *shared }

func (a channelsAPI) GetConversationsContext(ctx context.Context, params *slack.GetConversationsParameters) ([]slack.Channel, string, error) {
	return a.s.client(ctx).GetConversationsContext(ctx, params)
}

func (a channelsAPI) GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error) {
	return a.s.client(ctx).GetConversationInfoContext(ctx, input)
}

func (a channelsAPI) OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	return a.s.client(ctx).OpenConversationContext(ctx, params)
}

// openLocked builds e's session: a client pointed at the workspace URL
// (no Slack call), the workspace's shared users directory and the user's
// channels directory, creating and starting those on first use.
func (m *Multi) openLocked(e *entry) {
	cl := m.o.Factory.NewClient(e.creds, e.id)
	wsKey := e.id.EnterpriseID + "/" + e.id.TeamID
	dirOpts := workspace.Options{
		TTL:         m.o.DirectoryTTL,
		TeamID:      cl.TeamParam(),
		CacheTeamID: e.id.TeamID,
		Logger:      m.o.Logger,
		Now:         m.o.Now,
		Observer:    m.o.DirectoryObserver,
	}

	ws := m.workspaces[wsKey]
	if ws == nil {
		ws = &wsDir{shared: newShared(m, wsKey, cl)}
		ws.rank = sweepRank
		uo := dirOpts
		uo.Shared, uo.SharedKey = m.o.Snapshots, "users/"+wsKey
		ws.users = workspace.NewUsers(usersAPI{ws.shared}, uo)
		m.workspaces[wsKey] = ws
	}
	ws.join(e, cl)

	udKey := wsKey + "/" + e.id.UserID + "/" + e.id.Kind.String() + "/" + scopeKey(e.id)
	ud := m.userDirs[udKey]
	if ud == nil {
		ud = &userDir{shared: newShared(m, udKey, cl)}
		co := dirOpts
		co.Shared, co.SharedKey = m.o.Snapshots, "channels/"+udKey
		ud.channels = workspace.NewChannels(channelsAPI{ud.shared}, co)
		m.userDirs[udKey] = ud
		ud.channels.Start(ud.ctx)
	}
	ud.join(e, cl)

	e.ws, e.ud = ws, ud
	e.session = &tools.Session{Client: cl, Users: ws.usersFor(e, cl, dirOpts), Channels: ud.channels}
}

// leaveLocked releases e's directories; the last member of a directory
// stops its background refresh and drops it.
func (m *Multi) leaveLocked(e *entry) {
	if e.session == nil {
		return
	}
	if e.ws.leave(e) {
		delete(m.workspaces, e.ws.key)
	}
	if e.ud.leave(e) {
		delete(m.userDirs, e.ud.key)
	}
	e.session, e.ws, e.ud = nil, nil, nil
}
