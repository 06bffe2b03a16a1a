package provider

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// The users directory is swept once per workspace, with one member's
// token, and read by every member. What a caller reads of it must not
// exceed what its own token could read from Slack:
//
//   - its granted scopes, from X-OAuth-Scopes on its auth.test, decide the
//     view: users:read and users:read.email see everything, users:read
//     alone sees people without emails, neither sees nobody (reads answer
//     missing_scope, as Slack would);
//   - guests (is_restricted, is_ultra_restricted) see in Slack only the
//     people they share channels with, so they never read the shared
//     directory: they get a private one, swept with their own token;
//   - a token whose scopes or guest status could not be established is
//     treated the same way (private directory), never as proven.
//
// Bot tokens follow the same rule with their bot scopes; a bot user is
// never a guest.

// Scopes that gate the users directory.
const (
	scopeUsersRead  = "users:read"
	scopeUsersEmail = "users:read.email"
)

// dirAccess is what one validated token may read of its workspace's users
// directory. It is decided at validation and cached with it.
type dirAccess struct {
	// private: a directory of its own, swept with its own token.
	private bool
	// view of the shared directory, when not private.
	view workspace.Access
	// scopes identifies the private directory: tokens of one user with
	// the same scopes see the same people in Slack, so they share it.
	scopes string
}

// accessOf decides what the token of cl may read of the shared users
// directory. It may cost one users.info (on the caller itself) when the
// shared directory does not know yet whether the caller is a guest; that
// answer is cached with the validation, so it is paid once per
// ValidationTTL, not per tool call.
func (m *Multi) accessOf(ctx context.Context, cl *slackapi.Client) dirAccess {
	id := cl.Identity
	private := dirAccess{private: true, scopes: scopeKey(id)}
	switch {
	case len(id.Scopes) == 0:
		// No X-OAuth-Scopes: nothing is proven. Slack itself will
		// answer the private directory's sweep as this token deserves.
		return private
	case !id.HasScope(scopeUsersRead):
		return dirAccess{view: workspace.AccessNone}
	}
	if id.Kind != slackapi.BotToken {
		if guest, known := m.isGuest(ctx, cl); guest || !known {
			return private
		}
	}
	if !id.HasScope(scopeUsersEmail) {
		return dirAccess{view: workspace.AccessNoEmail}
	}
	return dirAccess{view: workspace.AccessFull}
}

// isGuest reports whether the caller is a guest (single- or multi-channel)
// and whether that is known: from the shared directory's record of the
// caller when it is warm (is_restricted covers both kinds there), else
// from users.info with the caller's own token. Slack returns a user's own
// record to users.info, guests included; we assume, as its documentation
// of the user object says, that is_restricted and is_ultra_restricted are
// reliable there. A failed lookup leaves it unknown.
func (m *Multi) isGuest(ctx context.Context, cl *slackapi.Client) (guest, known bool) {
	id := cl.Identity
	m.mu.Lock()
	ws := m.workspaces[id.EnterpriseID+"/"+id.TeamID]
	m.mu.Unlock()
	if ws != nil && ws.users.Ready() {
		if u, ok := ws.users.Cached(id.UserID); ok {
			return u.IsRestricted, true
		}
	}
	su, err := cl.GetUserInfoContext(ctx, id.UserID)
	if err != nil || su == nil {
		m.o.Logger.Debug().Ctx(ctx).Err(err).Str("user", id.UserID).Msg("guest check failed; using a private users directory")
		return false, false
	}
	return su.IsRestricted || su.IsUltraRestricted, true
}

// sweepRank orders the members of the shared users directory as sweepers:
// lower is better, negative never. A sweep with a token that lacks
// users:read.email fills the directory without emails; guests and
// unproven tokens never sweep it.
func sweepRank(a dirAccess) int {
	if a.private {
		return -1
	}
	switch a.view {
	case workspace.AccessFull:
		return 0
	case workspace.AccessNoEmail:
		return 1
	default:
		return -1
	}
}

var errNoSweeper = errors.New("no connected token may read the whole users directory (needs users:read, not a guest)")

// usersFor is the users directory e reads, creating its private one on
// first use. The shared directory starts sweeping only once a member
// that may sweep it joins. m.mu must be held.
func (w *wsDir) usersFor(e *entry, cl *slackapi.Client, o workspace.Options) *workspace.Users {
	a := e.access
	if !a.private {
		if sweepRank(a) >= 0 {
			w.users.Start(w.ctx)
		}
		return w.users.View(a.view)
	}
	key := e.id.UserID + "/" + e.id.Kind.String() + "/" + a.scopes
	p := w.private[key]
	if p == nil {
		p = &privDir{shared: newShared(w.m, w.key+"/"+key, cl)}
		p.rank = func(dirAccess) int { return 0 }
		o.CacheFile = "" // never persist what one guest sees
		o.Shared = nil   // nor share it
		p.users = workspace.NewUsers(usersAPI{p.shared}, o)
		if w.private == nil {
			w.private, w.privOf = map[string]*privDir{}, map[*entry]*privDir{}
		}
		w.private[key] = p
		p.users.Start(p.ctx)
	}
	p.join(e, cl)
	w.privOf[e] = p
	return p.users
}

// leave also takes e out of its private directory; the last member of one
// stops its sweeps.
func (w *wsDir) leave(e *entry) bool {
	if p := w.privOf[e]; p != nil {
		delete(w.privOf, e)
		if p.shared.leave(e) {
			delete(w.private, strings.TrimPrefix(p.key, w.key+"/"))
		}
	}
	return w.shared.leave(e)
}

// privDir is the users directory of one guest (or unproven token), swept
// with its own token.
type privDir struct {
	*shared
	users *workspace.Users
}

// scopeKey identifies a token's granted scopes. A user's channels
// directory is shared only by that user's tokens with the same scopes, so
// a token of another app with fewer scopes (say chat:write only) does not
// list the channels another token of the same person may read.
func scopeKey(id slackapi.Identity) string {
	scopes := slices.Clone(id.Scopes)
	slices.Sort(scopes)
	return strings.Join(scopes, ",")
}
