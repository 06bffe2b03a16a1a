package workspace

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Channel is what tools need of a conversation: a public or private
// channel, an IM (named after PeerUserID) or an MPIM ("mpdm-a--b-1").
type Channel struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Topic       string `json:"topic,omitempty"`
	Purpose     string `json:"purpose,omitempty"`
	MemberCount int    `json:"member_count,omitempty"`
	IsPrivate   bool   `json:"is_private,omitempty"`
	IsIM        bool   `json:"is_im,omitempty"`
	IsMPIM      bool   `json:"is_mpim,omitempty"`
	IsArchived  bool   `json:"is_archived,omitempty"`
	IsExtShared bool   `json:"is_ext_shared,omitempty"`
	// IsMember: the person this directory belongs to is in it (DMs and
	// private channels they can see always).
	IsMember   bool   `json:"is_member,omitempty"`
	PeerUserID string `json:"peer_user_id,omitempty"` // the other member of an IM
	Created    int64  `json:"created,omitempty"`      // unix seconds
}

// ChannelsAPI is the part of *slack.Client the channels directory calls.
type ChannelsAPI interface {
	GetConversationsContext(ctx context.Context, params *slack.GetConversationsParameters) ([]slack.Channel, string, error)
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
}

var _ ChannelsAPI = (*slack.Client)(nil)

// conversationsPageLimit is the page size of conversations.list sweeps:
// Slack wants a limit under 1000 there.
const conversationsPageLimit = 999

// Channels is the directory of the conversations one user of one
// workspace can see. All methods are safe for concurrent use.
type Channels struct {
	core
	api ChannelsAPI

	mu      sync.RWMutex
	idx     *chanIndex
	learned map[string]struct{} // IDs installed by Put or targeted calls; kept across sweeps
}

// NewChannels returns an empty directory; call Start to load and warm it.
func NewChannels(api ChannelsAPI, o Options) *Channels {
	c := &Channels{
		core:    newCore("channels", o),
		api:     api,
		idx:     newChanIndex(nil),
		learned: map[string]struct{}{},
	}
	c.r = newRefresher("channels", c.o, c.sweep)
	return c
}

// Start loads the cache file if there is one, then returns at once. In
// the background it sweeps conversations.list (public and private
// channels, MPIMs and IMs, archived included) unless the file was fresh,
// and sweeps again every TTL until ctx is done. Calls after the first do
// nothing.
func (c *Channels) Start(ctx context.Context) { c.startOnce(ctx, c.loadFile) }

// Ready reports whether a complete sweep, or a cache file younger than
// TTL, is installed.
func (c *Channels) Ready() bool { return c.r.ready.Load() }

// WaitReady waits, until ctx ends, for the first sweep when the directory
// is not loaded yet; callers bound ctx to keep answers prompt.
func (c *Channels) WaitReady(ctx context.Context) error { return c.r.waitReady(ctx) }

// Len is the number of conversations in the directory.
func (c *Channels) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.idx.list)
}

// Cached returns the conversation with that ID if the directory has it.
// It never calls Slack.
func (c *Channels) Cached(id string) (Channel, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, ok := c.idx.byID[id]
	if !ok {
		return Channel{}, false
	}
	return c.idx.list[i], true
}

// Get returns the conversation with that ID from the directory, else from
// conversations.info (and remembers it). Concurrent misses share one call.
func (c *Channels) Get(ctx context.Context, id string) (Channel, error) {
	if id == "" {
		return Channel{}, fmt.Errorf("%w: empty channel ID", ErrNotFound)
	}
	c.r.refreshIfStale()
	ch, ok := c.Cached(id)
	c.o.Observer.DirectoryLookup("channels", ok)
	if ok {
		return ch, nil
	}
	return c.fetch(ctx, "conversations.info", id, func() (Channel, bool) { return c.Cached(id) }, func(ctx context.Context) (*slack.Channel, error) {
		return c.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id, IncludeNumMembers: true})
	})
}

// Find returns the conversation named name, ignoring case and a leading
// '#' (an ID matches too; live conversations win over archived ones). On
// a miss it waits (bounded by ctx) for the running sweep, or starts one if
// none ran in the last MinRefreshInterval, and looks once more; otherwise
// the error wraps ErrNotFound.
func (c *Channels) Find(ctx context.Context, name string) (Channel, error) {
	raw := strings.TrimPrefix(strings.TrimSpace(name), "#")
	key := strings.ToLower(raw)
	if key == "" {
		return Channel{}, fmt.Errorf("%w: empty channel name", ErrNotFound)
	}
	c.r.refreshIfStale()
	ch, ok := c.lookup(raw, key)
	c.o.Observer.DirectoryLookup("channels", ok)
	if ok {
		return ch, nil
	}
	done := c.r.kick()
	if done != nil {
		if err := wait(ctx, done); err != nil {
			return Channel{}, err
		}
		if ch, ok := c.lookup(raw, key); ok {
			return ch, nil
		}
	}
	// Why a name was not found, for the rare "not found" that should not
	// be (a directory stopped or backing off): the state, never the name.
	r := c.r.state()
	c.o.Logger.Debug().Str("directory", c.kind).Bool("swept", done != nil).Bool("ready", r.ready).Bool("stopped", r.stopped).
		Int("failures", r.failures).Int("channels", c.Len()).Msg("channel name not in the directory")
	return Channel{}, fmt.Errorf("%w: no channel named %q", ErrNotFound, raw)
}

// DMWith returns the IM with that user: from the directory, else from
// conversations.open (and remembers it).
func (c *Channels) DMWith(ctx context.Context, userID string) (Channel, error) {
	if userID == "" {
		return Channel{}, fmt.Errorf("%w: empty user ID", ErrNotFound)
	}
	c.r.refreshIfStale()
	if ch, ok := c.imWith(userID); ok {
		return ch, nil
	}
	open := func(ctx context.Context) (*Channel, error) {
		// A caller delayed between the check above and this flight may
		// arrive after an earlier flight installed the IM: no second call.
		if ch, ok := c.imWith(userID); ok {
			return &ch, nil
		}
		sc, _, _, err := c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		if err != nil || sc == nil || sc.ID == "" {
			return nil, err
		}
		// Older responses omit these; the IM is with userID either way.
		sc.IsIM, sc.User = true, userID
		ch := channelFromSlack(sc)
		c.Put(ch)
		return &ch, nil
	}
	return targeted(ctx, &c.core, "conversations.open", userID, userID, "conversation", nil, open,
		func(ch *Channel) (Channel, bool) { return *ch, true })
}

// imWith is the IM with userID if the directory has it.
func (c *Channels) imWith(userID string) (Channel, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if i, ok := c.idx.byPeer[userID]; ok {
		return c.idx.list[i], true
	}
	return Channel{}, false
}

// All returns a copy of the directory sorted by ID.
func (c *Channels) All() []Channel {
	c.r.refreshIfStale()
	c.mu.RLock()
	out := slices.Clone(c.idx.list)
	sorted := c.idx.sorted
	c.mu.RUnlock()
	if !sorted {
		slices.SortFunc(out, func(a, b Channel) int { return strings.Compare(a.ID, b.ID) })
	}
	return out
}

// Put adds or replaces a conversation, for tools that learn one (a
// rename, a join, a new IM). It survives later sweeps that lack it.
func (c *Channels) Put(ch Channel) {
	if ch.ID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idx.put(ch)
	c.learned[ch.ID] = struct{}{}
}

// Learn adds a conversation as Slack just returned it to this directory's
// person (one they created or opened), so names resolve without a sweep.
func (c *Channels) Learn(sc *slack.Channel) {
	if sc != nil {
		c.Put(channelFromSlack(sc))
	}
}

func (c *Channels) lookup(raw, key string) (Channel, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if i, ok := c.idx.byID[raw]; ok {
		return c.idx.list[i], true
	}
	if i, ok := c.idx.byName[key]; ok {
		return c.idx.list[i], true
	}
	return Channel{}, false
}

func (c *Channels) fetch(ctx context.Context, method, key string, cached func() (Channel, bool), call func(context.Context) (*slack.Channel, error)) (Channel, error) {
	return targeted(ctx, &c.core, method, key, key, "conversation", cached, call, func(sc *slack.Channel) (Channel, bool) {
		if sc.ID == "" {
			return Channel{}, false
		}
		ch := channelFromSlack(sc)
		c.Put(ch)
		return ch, true
	})
}

// sweep installs a fresh snapshot another replica shared, or pages
// through conversations.list, installs the result in one swap and saves
// it.
func (c *Channels) sweep(ctx context.Context) (int, time.Time, error) {
	if sweep, f := c.mustSweep(ctx, true); !sweep {
		return len(c.install(slices.DeleteFunc(f.Channels, func(ch Channel) bool { return ch.ID == "" }))), f.SavedAt, nil
	}
	list, err := c.sweepSlack(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	snapshot := c.install(list)
	c.save(snapshot)
	c.publish(ctx, &cacheFile{Channels: snapshot})
	return len(snapshot), time.Time{}, nil
}

// sweepSlack pages through conversations.list.
func (c *Channels) sweepSlack(ctx context.Context) ([]Channel, error) {
	// Archived conversations are kept: their history is still readable
	// and searchable.
	params := &slack.GetConversationsParameters{
		Types:  []string{"public_channel", "private_channel", "mpim", "im"},
		Limit:  conversationsPageLimit,
		TeamID: c.o.TeamID,
	}
	list := make([]Channel, 0, c.Len())
	var waited time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page, cursor, err := c.api.GetConversationsContext(ctx, params)
		if err != nil {
			if d, ok := rateLimitWait(err, &waited); ok {
				if err := sleep(ctx, d); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("conversations.list: %w", err)
		}
		for i := range page {
			list = append(list, channelFromSlack(&page[i]))
		}
		if cursor == "" {
			break
		}
		params.Cursor = cursor
	}
	return list, nil
}

// install replaces the directory with list plus the conversations learned
// since that list lacks, and returns a copy to save.
func (c *Channels) install(list []Channel) []Channel {
	list = sortDedupe(list, func(ch Channel) string { return ch.ID })
	x := newChanIndex(list)
	c.mu.Lock()
	defer c.mu.Unlock()
	learned := make(map[string]struct{})
	for id := range c.learned {
		if _, ok := x.byID[id]; ok {
			continue
		}
		if i, ok := c.idx.byID[id]; ok {
			x.put(c.idx.list[i])
			learned[id] = struct{}{}
		}
	}
	c.idx, c.learned = x, learned
	return slices.Clone(x.list)
}

func (c *Channels) save(list []Channel) { c.writeFile(&cacheFile{Channels: list}) }

func (c *Channels) loadFile() {
	f := c.readFile()
	if f == nil {
		return
	}
	n := len(c.install(slices.DeleteFunc(f.Channels, func(ch Channel) bool { return ch.ID == "" })))
	c.loaded(f, n, c.Ready)
}

// chanIndex is one generation of the directory.
type chanIndex struct {
	list   []Channel
	byID   map[string]int32
	byName map[string]int32 // lowercased name -> best conversation
	byPeer map[string]int32 // IM peer user ID -> IM
	sorted bool
}

func newChanIndex(list []Channel) *chanIndex {
	x := &chanIndex{
		list:   list,
		byID:   make(map[string]int32, len(list)),
		byName: make(map[string]int32, len(list)),
		byPeer: make(map[string]int32),
		sorted: true,
	}
	for i := range list {
		x.byID[list[i].ID] = int32(i)
		x.indexKeys(int32(i))
	}
	return x
}

// put adds ch or replaces the conversation with its ID.
func (x *chanIndex) put(ch Channel) {
	i, ok := x.byID[ch.ID]
	if !ok {
		n := len(x.list)
		if n > 0 && x.list[n-1].ID > ch.ID {
			x.sorted = false
		}
		x.list = append(x.list, ch)
		x.byID[ch.ID] = int32(n)
		x.indexKeys(int32(n))
		return
	}
	old := x.list[i]
	x.list[i] = ch
	if oldKey := strings.ToLower(old.Name); oldKey != strings.ToLower(ch.Name) && x.owns(x.byName, oldKey, i) {
		delete(x.byName, oldKey)
		for j := range x.list {
			if strings.ToLower(x.list[j].Name) == oldKey {
				x.indexKeys(int32(j))
			}
		}
	}
	if old.PeerUserID != "" && old.PeerUserID != ch.PeerUserID && x.owns(x.byPeer, old.PeerUserID, i) {
		delete(x.byPeer, old.PeerUserID)
	}
	x.indexKeys(i)
}

func (x *chanIndex) owns(m map[string]int32, key string, i int32) bool {
	j, ok := m[key]
	return ok && j == i
}

// chanScore orders conversations sharing a name or peer: live before
// archived, channels before IMs.
func chanScore(ch *Channel) int {
	s := 0
	if ch.IsArchived {
		s += 2
	}
	if ch.IsIM {
		s++
	}
	return s
}

func (x *chanIndex) indexKeys(i int32) {
	ch := &x.list[i]
	if key := strings.ToLower(ch.Name); key != "" {
		if j, ok := x.byName[key]; !ok || j == i || chanScore(ch) < chanScore(&x.list[j]) {
			x.byName[key] = i
		}
	}
	if ch.IsIM && ch.PeerUserID != "" {
		if j, ok := x.byPeer[ch.PeerUserID]; !ok || j == i || chanScore(ch) < chanScore(&x.list[j]) {
			x.byPeer[ch.PeerUserID] = i
		}
	}
}
