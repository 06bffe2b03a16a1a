package slackemu

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Team is the workspace identity returned by auth.test and team.info.
type Team struct{ ID, Name, Domain, EnterpriseID string }

// User is a workspace member, a bot user or a deleted account.
type User struct {
	ID, Name, RealName, DisplayName, Email, Title, TZ string
	IsBot, Deleted, IsAdmin, IsRestricted             bool
	BotID                                             string
	// IsUltraRestricted marks a single-channel guest (IsRestricted: a
	// multi-channel guest); either sees only the people it shares a
	// conversation with (users.go).
	IsUltraRestricted bool
	// TeamID, when not the workspace's, makes an external (Slack Connect)
	// user: users.info knows them, users.list does not (users.go).
	TeamID string
}

// Channel is any conversation: public or private channel, IM or MPIM.
// Members is kept sorted by ID; for an IM it holds both parties.
type Channel struct {
	ID, Name, Topic, Purpose                         string
	IsPrivate, IsIM, IsMPIM, IsArchived, IsExtShared bool
	Members                                          []string
	User                                             string // IM peer
	Created                                          int64
	Creator                                          string
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// Attachment is a legacy message attachment (bots still send them).
type Attachment struct{ Title, Text, Pretext, Fallback, AuthorName, Footer string }

// Message is a channel message or thread reply. Blocks holds the raw
// Block Kit JSON sent to chat.postMessage, so tests can assert on it.
// A reply with Subtype "thread_broadcast" also shows in the channel.
type Message struct {
	TS, ThreadTS, User, BotID, Username, Text, Subtype string
	Files                                              []string
	Reactions                                          []Reaction
	Attachments                                        []Attachment
	Blocks                                             json.RawMessage
	// Params holds the arguments chat.postMessage received (token
	// excluded), e.g. unfurl_links, mrkdwn, reply_broadcast.
	Params map[string]string
	// Edited marks a message changed after posting: who and when (ts).
	Edited *Edited
	// Topic is the new topic of a channel_topic notice.
	Topic string
}

// Edited is the "edited" field of a changed message.
type Edited struct{ User, TS string }

// File is an uploaded file. ReportedSize (0 = len(Content)) is what
// files.info reports, so a test can claim a file is larger than it is.
// RedirectTo makes the download answer 302 to that URL.
type File struct {
	ID, Name, Title, Mimetype, Filetype, User string
	Content                                   []byte
	Channels                                  []string
	ReportedSize                              int64
	RedirectTo                                string
	Created                                   int64
}

// UserGroup is a user group (subteam) such as @oncall.
type UserGroup struct {
	ID, Handle, Name, Description string
	Users                         []string
	Disabled                      bool
	Created                       int64
	CreatedBy                     string
}

// TokenKind is how a token authenticates: xoxp, xoxb or xoxc (+ d cookie).
type TokenKind int

// Token kinds.
const (
	UserToken TokenKind = iota
	BotToken
	SessionToken
)

func (k TokenKind) String() string {
	switch k {
	case BotToken:
		return "bot"
	case SessionToken:
		return "session"
	default:
		return "user"
	}
}

// Token is an access token known to the workspace. A SessionToken with no
// Scopes may call everything, like a browser session; it requires the
// request to carry the cookie d=<Cookie>.
type Token struct {
	UserID string
	Kind   TokenKind
	Scopes []string
	Cookie string
	// Expires, when set, is the instant (on the server's Options.Now
	// clock) from which calls answer token_expired, as rotating tokens do.
	Expires time.Time
	// EnterpriseInstall marks a token of an org-wide Enterprise Grid
	// install; auth.test reports is_enterprise_install for it.
	EnterpriseInstall bool
}

// AllUserScopes returns every user-token scope the emulator checks.
func AllUserScopes() []string {
	return []string{
		"channels:history", "channels:read", "channels:write",
		"groups:history", "groups:read", "groups:write",
		"im:history", "im:read", "im:write",
		"mpim:history", "mpim:read", "mpim:write",
		"chat:write", "reactions:read", "reactions:write", "search:read",
		"files:read", "users:read", "users:read.email",
		"usergroups:read", "usergroups:write", "team:read", "emoji:read",
		"canvases:read", "canvases:write", "users.profile:read", "users.profile:write", "files:write",
	}
}

// BotScopes returns the scopes a typical read-and-post bot is granted.
func BotScopes() []string {
	return []string{
		"channels:history", "channels:read", "groups:history", "groups:read",
		"im:history", "im:read", "im:write", "mpim:history", "mpim:read",
		"chat:write", "reactions:read", "reactions:write", "files:read",
		"users:read", "usergroups:read", "team:read",
	}
}

// Workspace is an in-memory Slack workspace. All methods are safe for
// concurrent use; builders panic on references to unknown channels,
// because that is a bug in the test that calls them.
type Workspace struct {
	mu       sync.RWMutex
	team     Team
	users    []User
	userIdx  map[string]int
	botIdx   map[string]int // bot ID -> index in users
	channels []*channel
	chanIdx  map[string]int
	files    []File
	fileIdx  map[string]int
	groups   []*UserGroup
	groupIdx map[string]int
	tokens   map[string]Token
	lastTS   int64 // micros of the newest assigned ts
	dmBare   bool  // conversations.info leaves DM unread counts out (readstate.go)
	seq      int

	revoked   map[string]struct{} // tokens auth.revoke killed: token_revoked
	tokenURLs map[string]string   // token -> url auth.test reports
	apps      map[string]OAuthApp // client ID -> app
	codes     map[string]*authCode
	refresh   map[string]*refreshGrant // refresh token -> grant
	orgTeams  []Team                   // auth.teams.list for org-wide tokens (org.go)

	emoji map[string]string // custom emoji name -> image URL or "alias:name"

	editWindow        time.Duration             // chat.update refuses older messages (0: never)
	complianceExports bool                      // chat.delete refuses every deletion
	sched             schedule                  // chat.scheduleMessage (schedule.go)
	canvases          canvasStore               // canvases.go
	createRestricted  bool                      // conversations.create: restricted_action
	profiles          profileStore              // custom fields and status (profile.go)
	uploads           map[string]*pendingUpload // files_upload.go
}

type channel struct {
	Channel
	msgs     []*message           // top-level messages and broadcasts, ascending
	threads  map[int64][]*message // parent ts -> replies, ascending
	byTS     map[int64]*message
	lastRead map[string]int64 // user -> micros
}

type message struct {
	Message
	ts     int64
	parent int64 // thread parent ts for replies, 0 otherwise
}

// NewWorkspace returns an empty workspace for team t.
func NewWorkspace(t Team) *Workspace {
	return &Workspace{
		team:     t,
		userIdx:  map[string]int{},
		botIdx:   map[string]int{},
		chanIdx:  map[string]int{},
		fileIdx:  map[string]int{},
		groupIdx: map[string]int{},
		tokens:   map[string]Token{},

		revoked:   map[string]struct{}{},
		tokenURLs: map[string]string{},
		apps:      map[string]OAuthApp{},
		codes:     map[string]*authCode{},
		refresh:   map[string]*refreshGrant{},
	}
}

// Team returns the workspace's team.
func (w *Workspace) Team() Team {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.team
}

// AddUser adds u, replacing a user with the same ID.
func (w *Workspace) AddUser(u User) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addUserLocked(u)
}

func (w *Workspace) addUserLocked(u User) {
	i, ok := w.userIdx[u.ID]
	if ok {
		w.users[i] = u
	} else {
		i = len(w.users)
		w.userIdx[u.ID] = i
		w.users = append(w.users, u)
	}
	if u.BotID != "" {
		w.botIdx[u.BotID] = i
	}
}

// AddChannel adds c, replacing the metadata of a channel with the same ID
// (its messages are kept). Members are sorted and de-duplicated; an IM
// whose Members lack its User gets them added.
func (w *Workspace) AddChannel(c Channel) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addChannelLocked(c)
}

func (w *Workspace) addChannelLocked(c Channel) *channel {
	c.Members = normalizeMembers(c.Members)
	if c.IsIM && c.User != "" && !hasMember(c.Members, c.User) {
		c.Members = normalizeMembers(append(c.Members, c.User))
	}
	if c.IsIM || c.IsMPIM {
		c.IsPrivate = true
	}
	if i, ok := w.chanIdx[c.ID]; ok {
		w.channels[i].Channel = c
		return w.channels[i]
	}
	ch := &channel{Channel: c}
	w.chanIdx[c.ID] = len(w.channels)
	w.channels = append(w.channels, ch)
	return ch
}

func normalizeMembers(m []string) []string {
	if len(m) == 0 {
		return nil
	}
	out := slices.Clone(m)
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return slices.Compact(out)
}

func hasMember(sorted []string, id string) bool {
	_, ok := slices.BinarySearch(sorted, id)
	return ok
}

// AddMessage stores m in the channel and returns its ts. An empty TS gets
// a fresh one, later than every ts assigned so far.
func (w *Workspace) AddMessage(channelID string, m Message) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.mustChannel(channelID)
	msg := w.newMessageLocked(m)
	w.insertTop(ch, msg)
	return msg.TS
}

// AddReply stores m as a reply in the thread of threadTS and returns its ts.
// The parent must exist.
func (w *Workspace) AddReply(channelID, threadTS string, m Message) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.mustChannel(channelID)
	pts, ok := parseTS(threadTS)
	if !ok {
		panic(fmt.Sprintf("slackemu: AddReply: bad thread ts %q", threadTS))
	}
	parent := ch.byTS[pts]
	if parent == nil || parent.parent != 0 {
		panic(fmt.Sprintf("slackemu: AddReply: no parent message %s in %s", threadTS, channelID))
	}
	msg := w.newMessageLocked(m)
	w.insertReply(ch, parent, msg)
	return msg.TS
}

func (w *Workspace) mustChannel(id string) *channel {
	i, ok := w.chanIdx[id]
	if !ok {
		panic(fmt.Sprintf("slackemu: unknown channel %q", id))
	}
	return w.channels[i]
}

func (w *Workspace) channelByID(id string) *channel {
	if i, ok := w.chanIdx[id]; ok {
		return w.channels[i]
	}
	return nil
}

func (w *Workspace) userByID(id string) *User {
	if i, ok := w.userIdx[id]; ok {
		return &w.users[i]
	}
	return nil
}

func (w *Workspace) newMessageLocked(m Message) *message {
	var ts int64
	if m.TS == "" {
		ts = max(w.lastTS+1, time.Now().UnixMicro())
	} else {
		var ok bool
		if ts, ok = parseTS(m.TS); !ok {
			panic(fmt.Sprintf("slackemu: bad message ts %q", m.TS))
		}
	}
	w.lastTS = max(w.lastTS, ts)
	m.TS = formatTS(ts)
	m.Files = slices.Clone(m.Files)
	m.Attachments = slices.Clone(m.Attachments)
	m.Reactions = cloneReactions(m.Reactions)
	if m.Edited != nil {
		e := *m.Edited
		m.Edited = &e
	}
	return &message{Message: m, ts: ts}
}

func cloneReactions(rs []Reaction) []Reaction {
	if rs == nil {
		return nil
	}
	out := make([]Reaction, len(rs))
	for i, r := range rs {
		out[i] = Reaction{Name: r.Name, Users: slices.Clone(r.Users)}
	}
	return out
}

func (w *Workspace) insertTop(ch *channel, msg *message) {
	if ch.byTS == nil {
		ch.byTS = map[int64]*message{}
	}
	ch.byTS[msg.ts] = msg
	ch.msgs = insertSorted(ch.msgs, msg)
}

func (w *Workspace) insertReply(ch *channel, parent, msg *message) {
	msg.parent = parent.ts
	msg.ThreadTS = parent.TS
	parent.ThreadTS = parent.TS
	if ch.threads == nil {
		ch.threads = map[int64][]*message{}
	}
	ch.threads[parent.ts] = insertSorted(ch.threads[parent.ts], msg)
	ch.byTS[msg.ts] = msg
	if msg.Subtype == "thread_broadcast" {
		ch.msgs = insertSorted(ch.msgs, msg)
	}
}

func insertSorted(list []*message, msg *message) []*message {
	i := sort.Search(len(list), func(i int) bool { return list[i].ts >= msg.ts })
	if i < len(list) && list[i].ts == msg.ts {
		list[i] = msg
		return list
	}
	return slices.Insert(list, i, msg)
}

// AddFile adds f, replacing a file with the same ID.
func (w *Workspace) AddFile(f File) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f.Channels = slices.Clone(f.Channels)
	if i, ok := w.fileIdx[f.ID]; ok {
		w.files[i] = f
		return
	}
	w.fileIdx[f.ID] = len(w.files)
	w.files = append(w.files, f)
}

// AddUserGroup adds g, replacing a group with the same ID.
func (w *Workspace) AddUserGroup(g UserGroup) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g.Users = slices.Clone(g.Users)
	if i, ok := w.groupIdx[g.ID]; ok {
		w.groups[i] = &g
		return
	}
	w.groupIdx[g.ID] = len(w.groups)
	w.groups = append(w.groups, &g)
}

// AddToken makes token valid for t.
func (w *Workspace) AddToken(token string, t Token) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t.Scopes = slices.Clone(t.Scopes)
	w.tokens[token] = t
	delete(w.revoked, token)
}

// SetTokenURL makes auth.test answer url (the workspace URL) for token,
// instead of Options.WorkspaceURL, so one emulator can stand in for
// several workspace hosts; an empty url removes the override.
func (w *Workspace) SetTokenURL(token, url string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if url == "" {
		delete(w.tokenURLs, token)
		return
	}
	w.tokenURLs[token] = url
}

// Messages returns copies of every message in the channel, replies
// included, oldest first. It returns nil for an unknown channel.
func (w *Workspace) Messages(channelID string) []Message {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ch := w.channelByID(channelID)
	if ch == nil {
		return nil
	}
	all := make([]*message, 0, len(ch.byTS))
	for _, m := range ch.byTS {
		all = append(all, m)
	}
	slices.SortFunc(all, func(a, b *message) int { return cmp.Compare(a.ts, b.ts) })
	out := make([]Message, len(all))
	for i, m := range all {
		out[i] = m.Message
		out[i].Files = slices.Clone(m.Files)
		out[i].Attachments = slices.Clone(m.Attachments)
		out[i].Reactions = cloneReactions(m.Reactions)
		out[i].Blocks = slices.Clone(m.Blocks)
		out[i].Params = maps.Clone(m.Params)
		if m.Edited != nil {
			e := *m.Edited
			out[i].Edited = &e
		}
	}
	return out
}

// Channel returns a copy of the channel with that ID.
func (w *Workspace) Channel(id string) (Channel, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ch := w.channelByID(id)
	if ch == nil {
		return Channel{}, false
	}
	c := ch.Channel
	c.Members = slices.Clone(c.Members)
	return c, true
}

// UserGroup returns a copy of the user group with that ID.
func (w *Workspace) UserGroup(id string) (UserGroup, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	i, ok := w.groupIdx[id]
	if !ok {
		return UserGroup{}, false
	}
	g := *w.groups[i]
	g.Users = slices.Clone(g.Users)
	return g, true
}

// LastRead returns the user's read cursor in the channel ("" if unset).
func (w *Workspace) LastRead(channelID, userID string) string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ch := w.channelByID(channelID)
	if ch == nil {
		return ""
	}
	if ts, ok := ch.lastRead[userID]; ok {
		return formatTS(ts)
	}
	return ""
}

// SetLastRead sets the user's read cursor in the channel, as
// conversations.mark does.
func (w *Workspace) SetLastRead(channelID, userID, ts string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := w.mustChannel(channelID)
	v, ok := parseTS(ts)
	if !ok {
		panic(fmt.Sprintf("slackemu: bad ts %q", ts))
	}
	setLastRead(ch, userID, v)
}

func setLastRead(ch *channel, userID string, ts int64) {
	if ch.lastRead == nil {
		ch.lastRead = map[string]int64{}
	}
	ch.lastRead[userID] = ts
}

func (w *Workspace) nextID(prefix string) string {
	for {
		w.seq++
		id := prefix + "EMU" + strings.ToUpper(strconv.FormatInt(int64(w.seq), 36))
		if _, dup := w.chanIdx[id]; dup {
			continue
		}
		if _, dup := w.groupIdx[id]; dup {
			continue
		}
		return id
	}
}

// parseTS parses a Slack timestamp ("1700000000.000100", or whole seconds)
// into microseconds.
func parseTS(s string) (int64, bool) {
	if s == "" || len(s) > 24 {
		return 0, false
	}
	secs, frac, hasDot := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || sec < 0 || secs[0] == '+' || sec > 1<<40 {
		return 0, false
	}
	var us int64
	if hasDot {
		if frac == "" || len(frac) > 6 {
			return 0, false
		}
		for _, r := range frac {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		frac += strings.Repeat("0", 6-len(frac))
		us, _ = strconv.ParseInt(frac, 10, 64)
	}
	return sec*1_000_000 + us, true
}

func formatTS(us int64) string {
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}
