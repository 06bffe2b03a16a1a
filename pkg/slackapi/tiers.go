package slackapi

import "sync"

// Limit is a pacing rule for one Slack Web API method: a token bucket
// refilled at PerMinute requests per minute holding at most Burst requests.
type Limit struct {
	PerMinute int
	Burst     int
	// PerChannel buckets calls by the request's channel argument as well
	// (chat.postMessage allows about one message per second per channel).
	PerChannel bool
}

// Tier is one of Slack's documented Web API rate-limit tiers, applied per
// method, per workspace, per app. Slack documents them as "N+ per minute"
// with some burst tolerated, so pacing at exactly N is conservative.
type Tier int

// Slack's Web API tiers.
const (
	Tier1 Tier = iota + 1 // 1+ per minute
	Tier2                 // 20+ per minute
	Tier3                 // 50+ per minute; also the default for unknown methods
	Tier4                 // 100+ per minute
)

// Limit returns the pacing rule of the tier: rate = tier/min, burst = tier size.
func (t Tier) Limit() Limit {
	var n int
	switch t {
	case Tier1:
		n = 1
	case Tier2:
		n = 20
	case Tier4:
		n = 100
	default:
		n = 50
	}
	return Limit{PerMinute: n, Burst: n}
}

// methodLimits is the one method -> tier table. Methods not listed pace as
// Tier3. Tiers are from Slack's method reference; the 2025 change that drops
// conversations.history/replies to Tier 1 (limit 15) for commercially
// distributed non-Marketplace apps is not assumed here: set
// Options.Limits for such apps.
var methodLimits = sync.OnceValue(func() map[string]Limit {
	t2, t3, t4 := Tier2.Limit(), Tier3.Limit(), Tier4.Limit()
	return map[string]Limit{
		// Special tiers.
		"auth.test":          {PerMinute: 600, Burst: 100}, // "hundreds of requests per minute"
		"chat.postMessage":   {PerMinute: 60, Burst: 3, PerChannel: true},
		"chat.postEphemeral": {PerMinute: 100, Burst: 100},
		"chat.getPermalink":  {PerMinute: 600, Burst: 100},
		"chat.meMessage":     {PerMinute: 60, Burst: 3, PerChannel: true},

		// Tier 2.
		"conversations.list":            t2,
		"conversations.create":          t2,
		"users.list":                    t2,
		"search.messages":               t2,
		"search.files":                  t2,
		"search.all":                    t2,
		"usergroups.list":               t2,
		"usergroups.create":             t2,
		"usergroups.update":             t2,
		"usergroups.users.list":         t2,
		"usergroups.users.update":       t2,
		"reactions.remove":              t2,
		"reactions.list":                t2,
		"pins.add":                      t2,
		"pins.list":                     t2,
		"pins.remove":                   t2,
		"emoji.list":                    t2,
		"canvases.create":               t2,
		"conversations.canvases.create": t2,
		"team.accessLogs":               t2,
		"auth.teams.list":               t2,

		// Tier 3.
		"conversations.history": t3,
		"conversations.replies": t3,
		"conversations.info":    t3,
		"conversations.mark":    t3,
		"conversations.open":    t3,
		"conversations.join":    t3,
		"conversations.invite":  t3,
		"conversations.kick":    t3,
		"conversations.leave":   t3,
		"users.conversations":   t3,
		"users.lookupByEmail":   t3,
		"users.getPresence":     t3,
		"users.profile.set":     t3,
		"reactions.add":         t3,
		"reactions.get":         t3,
		"chat.update":           t3,
		"chat.delete":           t3,
		"chat.scheduleMessage":  t3,
		"files.list":            t3,
		"team.info":             t3,
		"bots.info":             t3,
		"bookmarks.list":        t3,
		"canvases.edit":         t3, // canvases.sections.lookup, canvases.getContent: Tier 3 by default

		// Tier 4.
		"users.info":                   t4,
		"users.profile.get":            t4,
		"conversations.members":        t4,
		"files.info":                   t4,
		"files.getUploadURLExternal":   t4,
		"files.completeUploadExternal": t4,
	}
})

// DefaultLimit returns the built-in pacing rule for a Web API method
// ("conversations.history"); unknown methods get Tier3.
func DefaultLimit(method string) Limit {
	if l, ok := methodLimits()[method]; ok {
		return l
	}
	return Tier3.Limit()
}

// limitFor applies overrides on top of the built-in table.
func limitFor(overrides map[string]Limit, method string) Limit {
	if l, ok := overrides[method]; ok && l.PerMinute > 0 {
		if l.Burst <= 0 {
			l.Burst = 1
		}
		return l
	}
	return DefaultLimit(method)
}
