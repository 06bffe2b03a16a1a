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

// wsDir is the users directory of one workspace.
type wsDir struct {
	*shared
	users *workspace.Users
}

// userDir is the channels directory of one Slack user.
type userDir struct {
	*shared
	channels *workspace.Channels
}

type usersAPI struct{ s *shared }

func (a usersAPI) GetUsersPaginated(options ...slack.GetUsersOption) slack.UserPagination {
	return a.s.latest.Load().GetUsersPaginated(options...)
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
