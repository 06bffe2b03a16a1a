package workspace

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// User is what tools need of a Slack user. It is deliberately small: a
// directory of 50,000 users costs a few megabytes.
type User struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"` // the handle
	RealName     string `json:"real_name,omitempty"`
	DisplayName  string `json:"display_name,omitempty"`
	Email        string `json:"email,omitempty"`
	Title        string `json:"title,omitempty"`
	TZ           string `json:"tz,omitempty"`
	IsBot        bool   `json:"is_bot,omitempty"`
	Deleted      bool   `json:"deleted,omitempty"`
	IsRestricted bool   `json:"is_restricted,omitempty"` // guest (single- or multi-channel)
}

// UsersAPI is the part of *slack.Client the users directory calls.
// Sweeps page users.list with GetUsersPaginated so each page is converted
// and dropped before the next is fetched, and ctx is checked between pages.
type UsersAPI interface {
	GetUsersPaginated(options ...slack.GetUsersOption) slack.UserPagination
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error)
}

var _ UsersAPI = (*slack.Client)(nil)

// SweepSource is implemented by a UsersAPI shared by several tokens: it
// names the one a sweep runs with (whose permissions then bound what the
// directory holds), or says why none may sweep now.
type SweepSource interface {
	SweepClient() (UsersAPI, error)
}

const (
	// pageLimit is the page size of users.list sweeps (Slack's maximum).
	pageLimit = 1000
	// targetedCallTimeout bounds one users.info-style call. The call runs
	// detached from its first caller so that a caller giving up does not
	// fail the others waiting on the same key.
	targetedCallTimeout = 30 * time.Second
	// maxRateLimitWait bounds how long one sweep waits out 429s in total
	// before it gives up and keeps the previous data.
	maxRateLimitWait = 2 * time.Minute
	// getManyConcurrency bounds the users.info calls of one GetMany.
	getManyConcurrency = 8
)

// Users is the users directory of one workspace, shared by all its users,
// or a view of it that shows one caller only what its Slack permissions
// allow (View). All methods are safe for concurrent use.
type Users struct {
	*usersData
	view Access
}

// usersData is the directory itself, shared by all views of it.
type usersData struct {
	core
	api UsersAPI

	mu      sync.RWMutex
	idx     *userIndex
	learned map[string]struct{} // IDs installed by targeted calls; kept across sweeps
	views   [accessLevels]*Users
}

// NewUsers returns an empty directory; call Start to load and warm it.
// Until then, Get and Find still answer through targeted calls.
func NewUsers(api UsersAPI, o Options) *Users {
	u := &Users{usersData: &usersData{
		core:    newCore("users", o),
		api:     api,
		idx:     newUserIndex(nil),
		learned: map[string]struct{}{},
	}}
	u.r = newRefresher("users", u.o, u.sweep)
	u.views[AccessFull] = u
	return u
}

// Start loads the cache file if there is one (a local read, no Slack
// call), then returns at once. In the background it sweeps users.list
// unless the file was fresh, and sweeps again every TTL until ctx is done.
// Calls after the first do nothing.
func (u *Users) Start(ctx context.Context) { u.startOnce(ctx, u.loadFile) }

// Ready reports whether a complete sweep, or a cache file younger than
// TTL, is installed.
func (u *Users) Ready() bool { return u.view == AccessNone || u.r.ready.Load() }

// WaitReady waits, until ctx ends, for the first sweep when the directory
// is not loaded yet; callers bound ctx to keep answers prompt.
func (u *Users) WaitReady(ctx context.Context) error {
	if u.view == AccessNone {
		return nil
	}
	return u.r.waitReady(ctx)
}

// Len is the number of users in the directory.
func (u *Users) Len() int {
	if u.view == AccessNone {
		return 0
	}
	u.mu.RLock()
	defer u.mu.RUnlock()
	return len(u.idx.list)
}

// Cached returns the user with that ID if the directory has it. It never
// calls Slack.
func (u *Users) Cached(id string) (User, bool) {
	if u.view == AccessNone {
		return User{}, false
	}
	u.mu.RLock()
	defer u.mu.RUnlock()
	i, ok := u.idx.byID[id]
	if !ok {
		return User{}, false
	}
	return u.present(u.idx.list[i]), true
}

// stored is the user with that ID as the directory holds it, before any
// view hides a field: flights are shared by every view, each caller
// presents the answer for its own.
func (u *Users) stored(id string) (User, bool) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	i, ok := u.idx.byID[id]
	if !ok {
		return User{}, false
	}
	return u.idx.list[i], true
}

// Get returns the user with that ID from the directory, else from
// users.info (and remembers it). Concurrent misses for one ID share one
// call. An unknown ID yields an error wrapping ErrNotFound.
func (u *Users) Get(ctx context.Context, id string) (User, error) {
	if id == "" {
		return User{}, fmt.Errorf("%w: empty user ID", ErrNotFound)
	}
	if err := u.Err(); err != nil {
		return User{}, err
	}
	u.r.refreshIfStale()
	usr, ok := u.Cached(id)
	u.o.Observer.DirectoryLookup("users", ok)
	if ok {
		return usr, nil
	}
	usr, err := u.fetch(ctx, "users.info", id, id, func() (User, bool) { return u.stored(id) }, func(ctx context.Context) (*slack.User, error) {
		return u.api.GetUserInfoContext(ctx, id)
	})
	return u.present(usr), err
}

// GetMany returns the users with those IDs that exist: directory hits,
// plus users.info calls for the misses (a few at a time). Users that
// cannot be fetched are left out, so a message renders with the raw ID.
func (u *Users) GetMany(ctx context.Context, ids []string) map[string]User {
	out := make(map[string]User, len(ids))
	if u.view == AccessNone {
		return out // messages render with raw IDs, as they would from Slack
	}
	u.r.refreshIfStale()
	var misses []string
	u.mu.RLock()
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, seen := out[id]; seen {
			continue
		}
		if i, ok := u.idx.byID[id]; ok {
			out[id] = u.present(u.idx.list[i])
		} else if !slices.Contains(misses, id) {
			misses = append(misses, id)
		}
	}
	u.mu.RUnlock()
	if len(misses) == 0 {
		return out
	}

	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, getManyConcurrency)
	)
	for _, id := range misses {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			usr, err := u.Get(ctx, id)
			if err != nil {
				u.o.Logger.Debug().Str("user", id).Err(err).Msg("user lookup failed")
				return
			}
			mu.Lock()
			out[id] = usr
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// Find returns the user whose handle, display name, real name or email
// equals name, ignoring case and a leading '@' (a user ID matches too).
// Several matches prefer a live user over a deleted one, then the handle
// over email, display name and real name. On a miss it asks
// users.lookupByEmail if name looks like an email; else, if the directory
// is not Ready, it waits (bounded by ctx) for the warming sweep and looks
// once more. Otherwise the error wraps ErrNotFound.
func (u *Users) Find(ctx context.Context, name string) (User, error) {
	raw := strings.TrimPrefix(strings.TrimSpace(name), "@")
	key := strings.ToLower(raw)
	if key == "" {
		return User{}, fmt.Errorf("%w: empty user name", ErrNotFound)
	}
	if err := u.Err(); err != nil {
		return User{}, err
	}
	if u.view != AccessFull && looksLikeEmail(raw) {
		// What users.lookupByEmail answers a token without the scope.
		return User{}, scopeError("users:read.email")
	}
	u.r.refreshIfStale()
	usr, ok := u.lookup(raw, key)
	u.o.Observer.DirectoryLookup("users", ok)
	if ok {
		return usr, nil
	}
	if looksLikeEmail(raw) {
		return u.fetch(ctx, "users.lookupByEmail", key, "", nil, func(ctx context.Context) (*slack.User, error) {
			return u.api.GetUserByEmailContext(ctx, raw)
		})
	}
	if !u.Ready() {
		if err := wait(ctx, u.r.kick()); err != nil {
			return User{}, err
		}
		if usr, ok := u.lookup(raw, key); ok {
			return usr, nil
		}
	}
	return User{}, fmt.Errorf("%w: no user named %q", ErrNotFound, raw)
}

// Search returns up to limit users (all if limit <= 0) whose handle,
// display name, real name or email contains query, ignoring case and a
// leading '@'. Exact matches rank before prefix matches (of the field or
// of a word in it), which rank before other matches; the handle outranks
// the other fields. Deleted users appear only if no live user matches.
// It never calls Slack.
func (u *Users) Search(query string, limit int) []User {
	q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(query), "@"))
	if q == "" || strings.IndexByte(q, 0) >= 0 || u.view == AccessNone {
		return nil
	}
	u.r.refreshIfStale()

	type hit struct {
		i     int32
		score int
	}
	var live, dead []hit
	u.mu.RLock()
	defer u.mu.RUnlock()
	x := u.idx
	for i, f := range x.fold {
		f = u.visibleFold(f)
		if !strings.Contains(f, q) {
			continue
		}
		h := hit{int32(i), foldScore(f, q)}
		if x.list[i].Deleted {
			dead = append(dead, h)
		} else {
			live = append(live, h)
		}
	}
	hits := live
	if len(hits) == 0 {
		hits = dead
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		ua, ub := &x.list[a.i], &x.list[b.i]
		return cmp.Or(strings.Compare(ua.Name, ub.Name), strings.Compare(ua.ID, ub.ID))
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]User, len(hits))
	for j, h := range hits {
		out[j] = u.present(x.list[h.i])
	}
	return out
}

// All returns a copy of the directory sorted by ID.
func (u *Users) All() []User {
	if u.view == AccessNone {
		return nil
	}
	u.r.refreshIfStale()
	u.mu.RLock()
	out := slices.Clone(u.idx.list)
	sorted := u.idx.sorted
	u.mu.RUnlock()
	if !sorted {
		slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.ID, b.ID) })
	}
	for i := range out {
		out[i] = u.present(out[i])
	}
	return out
}

func (u *Users) lookup(raw, key string) (User, bool) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	if i, ok := u.idx.byID[raw]; ok {
		return u.present(u.idx.list[i]), true
	}
	if i, ok := u.idx.byKey[key]; ok && u.matchesVisible(&u.idx.list[i], raw, key) {
		return u.present(u.idx.list[i]), true
	}
	if u.view != AccessFull {
		return u.scanVisible(key)
	}
	return User{}, false
}

// fetch runs one targeted call, shared by concurrent callers of the same
// method and key, and installs its result.
// label is what errors may show of key: IDs, never emails.
func (u *Users) fetch(ctx context.Context, method, key, label string, cached func() (User, bool), call func(context.Context) (*slack.User, error)) (User, error) {
	return targeted(ctx, &u.core, method, key, label, "user", cached, call, func(su *slack.User) (User, bool) {
		if su.ID == "" {
			return User{}, false
		}
		usr := userFromSlack(su)
		u.learn(usr)
		return usr, true
	})
}

// learn installs a user found by a targeted call, unless a sweep already
// brought it in. Such users (for example Slack Connect users, whom
// users.list omits) survive later sweeps.
func (u *Users) learn(usr User) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.idx.byID[usr.ID]; ok {
		return
	}
	u.idx.add(usr)
	u.learned[usr.ID] = struct{}{}
}

// sweep installs a fresh snapshot another replica shared, or pages
// through users.list, installs the result in one swap and saves it.
func (u *Users) sweep(ctx context.Context) (int, time.Time, error) {
	s, ok := u.api.(ShareableSweeps)
	shareable := !ok || s.SweepShareable()
	if sweep, f := u.mustSweep(ctx, shareable); !sweep {
		return len(u.install(slices.DeleteFunc(f.Users, func(usr User) bool { return usr.ID == "" }))), f.SavedAt, nil
	}
	list, err := u.sweepSlack(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	snapshot := u.install(list)
	u.save(snapshot)
	if shareable {
		u.publish(ctx, &cacheFile{Users: snapshot})
	}
	return len(snapshot), time.Time{}, nil
}

// sweepSlack pages through users.list.
func (u *Users) sweepSlack(ctx context.Context) ([]User, error) {
	opts := []slack.GetUsersOption{
		slack.GetUsersOptionLimit(pageLimit),
		slack.GetUsersOptionIncludeLocale(false),
	}
	if u.o.TeamID != "" {
		opts = append(opts, slack.GetUsersOptionTeamID(u.o.TeamID))
	}
	api := u.api
	if src, ok := api.(SweepSource); ok {
		var err error
		if api, err = src.SweepClient(); err != nil {
			return nil, fmt.Errorf("users.list: %w", err)
		}
	}
	p := api.GetUsersPaginated(opts...)
	list := make([]User, 0, max(u.Len(), pageLimit))
	tz := interner{}
	var waited time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		next, err := p.Next(ctx)
		if p.Done(err) {
			break
		}
		if err != nil {
			if d, ok := rateLimitWait(err, &waited); ok {
				if err := sleep(ctx, d); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("users.list: %w", err)
		}
		p = next
		for i := range p.Users {
			usr := userFromSlack(&p.Users[i])
			usr.TZ = tz.intern(usr.TZ)
			list = append(list, usr)
		}
	}
	return list, nil
}

// install replaces the directory with list (plus users learned by targeted
// calls that list lacks) and returns the installed users. The returned
// slice is never written again, so it can be saved without a lock.
func (u *Users) install(list []User) []User {
	list = sortDedupe(list, func(usr User) string { return usr.ID })
	x := newUserIndex(list)
	u.mu.Lock()
	defer u.mu.Unlock()
	learned := make(map[string]struct{})
	for id := range u.learned {
		if _, ok := x.byID[id]; ok {
			continue
		}
		if i, ok := u.idx.byID[id]; ok {
			x.add(u.idx.list[i])
			learned[id] = struct{}{}
		}
	}
	u.idx, u.learned = x, learned
	return x.list[:len(x.list):len(x.list)]
}

func (u *Users) save(list []User) { u.writeFile(&cacheFile{Users: list}) }

func (u *Users) loadFile() {
	f := u.readFile()
	if f == nil {
		return
	}
	tz := interner{}
	for i := range f.Users {
		f.Users[i].TZ = tz.intern(f.Users[i].TZ)
	}
	n := len(u.install(slices.DeleteFunc(f.Users, func(usr User) bool { return usr.ID == "" })))
	u.loaded(f, n, u.Ready)
}
