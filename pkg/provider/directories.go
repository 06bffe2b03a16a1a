package provider

import (
	"context"
	"sync/atomic"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
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
		e := s.m.entries[keyOf(c)]
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
