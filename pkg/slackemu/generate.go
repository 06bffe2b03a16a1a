package slackemu

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// GenerateOptions sizes a generated workspace.
type GenerateOptions struct {
	Team               Team
	Users              int
	Channels           int
	MessagesPerChannel int
	Seed               int64
}

// Generated workspace tokens.
const (
	GenUserToken = "xoxp-gen-user"
	GenBotToken  = "xoxb-gen-bot"
)

// genEpoch is the fixed start of generated history (2023-11-14 22:13:20
// UTC), so the same options always give the same workspace.
const genEpoch = 1_700_000_000

// genTables returns the name and word lists generated data draws from.
func genTables() (first, last, words, topics []string) {
	first = []string{"Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jade",
		"Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
		"Uma", "Victor", "Wen", "Xavier", "Yara", "Zane", "Aiko", "Bruno", "Carmen", "Diego"}
	last = []string{"Smith", "Chen", "Okafor", "Garcia", "Novak", "Haddad", "Suzuki", "Müller", "Rossi", "Silva",
		"Kowalski", "Nguyen", "Patel", "Andersen", "Dubois", "Kim", "Ivanova", "Mensah", "Costa", "Larsen"}
	words = []string{"deploy", "review", "release", "customer", "roadmap", "bug", "incident", "metrics",
		"design", "meeting", "budget", "launch", "feedback", "migration", "latency", "dashboard",
		"onboarding", "pipeline", "invoice", "retro", "hiring", "sprint", "demo", "api", "database",
		"cache", "alert", "docs", "test", "staging", "contract", "pricing", "support", "ticket"}
	topics = []string{"eng", "ops", "sales", "design", "data", "support", "product", "infra", "mobile", "web"}
	return first, last, words, topics
}

// genID returns prefix + a fixed-width base-36 number, so IDs sort in
// creation order.
func genID(prefix string, i int) string {
	return prefix + strings.ToUpper(strconv.FormatInt(int64(i)+78364164096, 36)) // 36^7: 8 digits
}

// Generate builds a deterministic workspace of the given size: users,
// channels (#general holds everyone; about 10% private, 2% archived) and
// messages with threads and reactions. It adds GenUserToken for the first
// user (all user scopes) and GenBotToken for a bot member of #general.
// It is meant for scale tests: 50,000 users and 5,000 channels build in
// well under a second.
func Generate(o GenerateOptions) *Workspace {
	if o.Team.ID == "" {
		o.Team = Team{ID: "T0GENERATED", Name: "Generated Co", Domain: "generated"}
	}
	w := NewWorkspace(o.Team)
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	genFirst, genLast, genWords, genTopics := genTables()
	domain := o.Team.Domain
	if domain == "" {
		domain = "example"
	}

	w.users = make([]User, 0, o.Users+1)
	w.userIdx = make(map[string]int, o.Users+1)
	ids := make([]string, o.Users)
	for i := range o.Users {
		first, last := genFirst[rng.IntN(len(genFirst))], genLast[rng.IntN(len(genLast))]
		handle := strings.ToLower(first) + "." + strings.ToLower(last) + strconv.Itoa(i)
		u := User{
			ID: genID("U", i), Name: handle, RealName: first + " " + last, DisplayName: first,
			Email: handle + "@" + domain + ".example.com", TZ: "UTC",
			Deleted: i > 0 && i%97 == 0, IsAdmin: i == 0,
		}
		ids[i] = u.ID
		w.addUserLocked(u)
	}
	bot := User{ID: genID("UB", 0), Name: "genbot", RealName: "Gen Bot", IsBot: true, BotID: genID("B", 0)}
	w.addUserLocked(bot)
	if o.Users > 0 {
		w.tokens[GenUserToken] = Token{UserID: ids[0], Kind: UserToken, Scopes: AllUserScopes()}
	}
	w.tokens[GenBotToken] = Token{UserID: bot.ID, Kind: BotToken, Scopes: BotScopes()}

	w.channels = make([]*channel, 0, o.Channels)
	w.chanIdx = make(map[string]int, o.Channels)
	for i := range o.Channels {
		c := Channel{ID: genID("C", i), Created: genEpoch - int64(rng.IntN(86400*365))}
		switch {
		case i == 0:
			c.Name, c.Purpose = "general", "Everyone, everything"
			c.Members = append(ids[:len(ids):len(ids)], bot.ID)
		default:
			c.Name = genTopics[rng.IntN(len(genTopics))] + "-" + genWords[rng.IntN(len(genWords))] + "-" + strconv.Itoa(i)
			c.IsPrivate = i%10 == 3
			c.IsArchived = i%50 == 7
			if o.Users > 0 {
				n := 2 + rng.IntN(30)
				m := make([]string, 0, n+1)
				for range n {
					m = append(m, ids[rng.IntN(len(ids))])
				}
				if i%5 == 0 {
					m = append(m, ids[0])
				}
				c.Members = normalizeMembers(m)
			}
		}
		if len(c.Members) > 0 {
			c.Creator = c.Members[0]
		}
		c.Topic = "Talk about " + c.Name
		ch := &channel{Channel: c}
		w.chanIdx[c.ID] = len(w.channels)
		w.channels = append(w.channels, ch)
		genMessages(w, ch, rng, genWords, o.MessagesPerChannel)
	}
	return w
}

func genMessages(w *Workspace, ch *channel, rng *rand.Rand, words []string, n int) {
	if n <= 0 || len(ch.Members) == 0 {
		return
	}
	ch.msgs = make([]*message, 0, n)
	ch.byTS = make(map[int64]*message, n)
	ts := int64(genEpoch) * 1_000_000
	for j := range n {
		ts += int64(60+rng.IntN(7200)) * 1_000_000
		m := &message{Message: Message{User: ch.Members[rng.IntN(len(ch.Members))], Text: genText(rng, words)}, ts: ts}
		m.TS = formatTS(ts)
		if j%9 == 4 {
			m.Reactions = []Reaction{{Name: "thumbsup", Users: []string{ch.Members[rng.IntN(len(ch.Members))]}}}
		}
		ch.msgs = append(ch.msgs, m)
		ch.byTS[ts] = m
		if j%7 == 3 {
			for k := range 1 + rng.IntN(3) {
				r := &message{Message: Message{User: ch.Members[rng.IntN(len(ch.Members))], Text: genText(rng, words)},
					ts: ts + int64(k+1)*1000, parent: ts}
				r.TS, r.ThreadTS = formatTS(r.ts), m.TS
				m.ThreadTS = m.TS
				if ch.threads == nil {
					ch.threads = map[int64][]*message{}
				}
				ch.threads[ts] = append(ch.threads[ts], r)
				ch.byTS[r.ts] = r
			}
		}
		ts += 10_000
	}
	w.lastTS = max(w.lastTS, ts)
}

func genText(rng *rand.Rand, words []string) string {
	n := 4 + rng.IntN(10)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}
