package slackemu

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"
)

// Sandbox tokens: SandboxUserToken is Sam Rivera ("you") with every user
// scope; SandboxBotToken is Deploy Bot with typical bot scopes.
const (
	SandboxUserToken = "xoxp-sandbox-user-token"
	SandboxBotToken  = "xoxb-sandbox-bot-token"
)

// Sandbox user, channel and file IDs, for tests and docs.
const (
	SandboxTeamID = "T0SANDBOX"

	SandboxYou     = "U0SBSAM01"
	SandboxMaya    = "U0SBMAYA1"
	SandboxDevon   = "U0SBDEVON"
	SandboxPriya   = "U0SBPRIYA"
	SandboxLuis    = "U0SBLUIS1"
	SandboxHana    = "U0SBHANA1"
	SandboxOmar    = "U0SBOMAR1"
	SandboxZoe     = "U0SBZOE01"
	SandboxBen     = "U0SBBEN01"
	SandboxIris    = "U0SBIRIS1"
	SandboxAlex    = "U0SBALEX1" // deleted
	SandboxBotUser = "U0SBDEPLOY"
	SandboxBotID   = "B0SBDEPLOY"

	SandboxGeneral     = "C0SBGENRL"
	SandboxRandom      = "C0SBRANDM"
	SandboxEngineering = "C0SBENGNR"
	SandboxDesign      = "C0SBDESGN"
	SandboxLeadership  = "C0SBLEADS" // private, you are a member
	SandboxSecret      = "C0SBSECRT" // private, you are not a member
	SandboxArchived    = "C0SBOLDLN" // archived
	SandboxDMMaya      = "D0SBMAYA1"
	SandboxDMDevon     = "D0SBDEVON"
	SandboxDMBot       = "D0SBDPLOY"
	SandboxGroupDM     = "C0SBMPIM1" // you, Maya, Priya
	SandboxOthersDM    = "D0SBOTHER" // Maya and Devon: invisible to you

	SandboxNotesFile = "F0SBNOTES"
	SandboxLogoFile  = "F0SBLOGO1"
)

// Sandbox returns a small, realistic workspace to explore: "Sandbox Co"
// with a dozen people (one deleted, one from a partner organization) and a
// bot, public, private, archived, shared and direct conversations, and
// 100+ messages over the last 30 days (relative to now, the newest a few
// hours old) with threads, reactions, mentions, links, code, files, user
// groups and the odd shapes of real Slack (sandbox_edge.go).
func Sandbox() *Workspace {
	now := time.Now()
	w := NewWorkspace(Team{ID: SandboxTeamID, Name: "Sandbox Co", Domain: "sandbox"})

	people := []User{
		{ID: SandboxYou, Name: "sam", RealName: "Sam Rivera", DisplayName: "Sam", Title: "Product Engineer", TZ: "America/New_York"},
		{ID: SandboxMaya, Name: "maya", RealName: "Maya Chen", DisplayName: "Maya", Title: "Engineering Manager", TZ: "America/Los_Angeles", IsAdmin: true},
		{ID: SandboxDevon, Name: "devon", RealName: "Devon Okafor", DisplayName: "Devon", Title: "Staff Engineer", TZ: "Europe/London"},
		{ID: SandboxPriya, Name: "priya", RealName: "Priya Raman", DisplayName: "Priya", Title: "Product Designer", TZ: "Asia/Kolkata"},
		{ID: SandboxLuis, Name: "luis", RealName: "Luis Ortega", DisplayName: "Luis", Title: "Head of Design", TZ: "Europe/Madrid"},
		{ID: SandboxHana, Name: "hana", RealName: "Hana Suzuki", DisplayName: "Hana", Title: "CEO", TZ: "America/Los_Angeles", IsAdmin: true},
		{ID: SandboxOmar, Name: "omar", RealName: "Omar Haddad", DisplayName: "Omar", Title: "CTO", TZ: "America/New_York", IsAdmin: true},
		{ID: SandboxZoe, Name: "zoe", RealName: "Zoë Laurent", DisplayName: "Zoë", Title: "Marketing Lead", TZ: "Europe/Paris"},
		{ID: SandboxBen, Name: "ben", RealName: "Ben Adeyemi", DisplayName: "Ben", Title: "Support Engineer", TZ: "Africa/Lagos"},
		{ID: SandboxIris, Name: "iris", RealName: "Iris Novak", DisplayName: "Iris (contractor)", Title: "Data Scientist", TZ: "Europe/Prague", IsRestricted: true},
		{ID: SandboxAlex, Name: "alex", RealName: "Alex Moreau", DisplayName: "Alex", Title: "Former Sales Lead", TZ: "America/Chicago", Deleted: true},
	}
	for _, u := range people {
		u.Email = u.Name + "@sandbox.example.com"
		w.AddUser(u)
	}
	w.AddUser(User{ID: SandboxBotUser, Name: "deploybot", RealName: "Deploy Bot", IsBot: true, BotID: SandboxBotID})

	everyone := []string{SandboxYou, SandboxMaya, SandboxDevon, SandboxPriya, SandboxLuis, SandboxHana, SandboxOmar, SandboxZoe, SandboxBen, SandboxIris, SandboxBotUser}
	created := now.AddDate(-2, 0, 0).Unix()
	chans := []Channel{
		{ID: SandboxGeneral, Name: "general", Topic: "Company-wide news. This is a sandbox: nothing here is real.", Purpose: "Announcements for everyone at Sandbox Co", Members: everyone},
		{ID: SandboxRandom, Name: "random", Topic: "Cats, coffee and everything else", Purpose: "Non-work banter", Members: everyone[:10]},
		{ID: SandboxEngineering, Name: "engineering", Topic: "Release train: Thursdays", Purpose: "Building the product", Members: []string{SandboxYou, SandboxMaya, SandboxDevon, SandboxOmar, SandboxBen, SandboxIris, SandboxBotUser}},
		{ID: SandboxDesign, Name: "design", Topic: "Design crit every Tuesday", Purpose: "Design reviews and inspiration", Members: []string{SandboxPriya, SandboxLuis, SandboxMaya, SandboxZoe}},
		{ID: SandboxLeadership, Name: "leadership", IsPrivate: true, Topic: "Q3 planning", Purpose: "Leadership team", Members: []string{SandboxYou, SandboxHana, SandboxOmar, SandboxMaya}},
		{ID: SandboxSecret, Name: "secret-project", IsPrivate: true, Topic: "Shh", Purpose: "Project Nightingale", Members: []string{SandboxHana, SandboxOmar, SandboxDevon}},
		{ID: SandboxArchived, Name: "launch-2023", IsArchived: true, Topic: "Launched!", Purpose: "The 2023 launch", Members: []string{SandboxYou, SandboxMaya, SandboxZoe}},
		{ID: SandboxDMMaya, IsIM: true, User: SandboxMaya, Members: []string{SandboxYou, SandboxMaya}},
		{ID: SandboxDMDevon, IsIM: true, User: SandboxDevon, Members: []string{SandboxYou, SandboxDevon}},
		{ID: SandboxDMBot, IsIM: true, User: SandboxBotUser, Members: []string{SandboxYou, SandboxBotUser}},
		{ID: SandboxGroupDM, IsMPIM: true, Name: "mpdm-sam--maya--priya-1", Members: []string{SandboxYou, SandboxMaya, SandboxPriya}},
		{ID: SandboxOthersDM, IsIM: true, User: SandboxDevon, Members: []string{SandboxMaya, SandboxDevon}},
	}
	for _, c := range chans {
		c.Created, c.Creator = created, SandboxHana
		w.AddChannel(c)
	}

	// at returns a ts d days and h hours ago, unique per call.
	seq := 0
	at := func(d, h float64) string {
		seq++
		t := now.Add(-time.Duration((d*24 + h) * float64(time.Hour)))
		return formatTS(t.UnixMicro() - int64(seq))
	}
	post := func(ch string, ts, user, text string, reactions ...Reaction) string {
		return w.AddMessage(ch, Message{TS: ts, User: user, Text: text, Reactions: reactions})
	}
	reply := func(ch, parent, ts, user, text string) {
		w.AddReply(ch, parent, Message{TS: ts, User: user, Text: text})
	}
	r := func(name string, users ...string) Reaction { return Reaction{Name: name, Users: users} }

	// #general
	welcome := post(SandboxGeneral, at(29, 0), SandboxHana,
		"Welcome to the *Sandbox Co* workspace! :wave: This is a sandbox: every person, channel and message here is made up, so explore freely. Try searching, reading threads or listing channels.",
		r("wave", SandboxMaya, SandboxDevon, SandboxPriya, SandboxYou), r("tada", SandboxZoe))
	reply(SandboxGeneral, welcome, at(29, -1), SandboxYou, "Thanks <@"+SandboxHana+">! Happy to be here :smile:")
	reply(SandboxGeneral, welcome, at(29, -2), SandboxZoe, "Tip: <#"+SandboxRandom+"|random> is where the cat pictures live.")
	post(SandboxGeneral, at(25, 3), SandboxOmar, "All-hands is moved to Thursday 4pm. Agenda: <https://example.com/all-hands|All-hands doc>", r("thumbsup", SandboxYou, SandboxBen))
	post(SandboxGeneral, at(18, 5), SandboxZoe, "Our launch blog post is live: <https://example.com/blog/launch|We launched!> :rocket: please share it")
	holiday := post(SandboxGeneral, at(12, 2), SandboxMaya, "Reminder: office closed next Monday for the holiday. <!channel>")
	reply(SandboxGeneral, holiday, at(12, 1), SandboxBen, "Support rota for Monday is in <#"+SandboxEngineering+"|engineering>.")
	post(SandboxGeneral, at(3, 4), SandboxHana, "Q3 OKRs are published. Big thanks to <@"+SandboxMaya+"> and <@"+SandboxOmar+"> for pulling them together :pray:", r("clap", SandboxYou, SandboxPriya, SandboxLuis))

	// #random
	post(SandboxRandom, at(27, 1), SandboxPriya, "Who else is on team oat milk? :coffee:", r("coffee", SandboxYou, SandboxIris, SandboxZoe))
	cat := post(SandboxRandom, at(20, 6), SandboxBen, "My cat just walked across the keyboard and filed a ticket. Honestly a better bug report than most.", r("joy", SandboxDevon, SandboxYou, SandboxMaya))
	reply(SandboxRandom, cat, at(20, 5), SandboxDevon, "Promote the cat to QA lead :cat:")
	reply(SandboxRandom, cat, at(20, 4), SandboxBen, "She'd want equity.")
	post(SandboxRandom, at(9, 2), SandboxLuis, "Lunch recommendation: the new ramen place on 5th. 10/10 :ramen:")
	post(SandboxRandom, at(2, 7), SandboxIris, "Fun fact: our sandbox has exactly zero real customers, which makes the churn rate fantastic.")

	// #engineering
	incident := post(SandboxEngineering, at(22, 2), SandboxBen, "Heads up: customers report slow search since the deploy. Latency p95 is ~2.3s.", r("eyes", SandboxDevon, SandboxYou))
	reply(SandboxEngineering, incident, at(22, 1.8), SandboxDevon, "Looking. Probably the new index; rolling back with:\n```kubectl rollout undo deploy/search```")
	reply(SandboxEngineering, incident, at(22, 1.5), SandboxYou, "Rollback done, p95 back to 180ms :tada:")
	reply(SandboxEngineering, incident, at(22, 1.2), SandboxMaya, "Thanks both. Postmortem doc: <https://example.com/postmortems/search-latency|search latency postmortem>")
	post(SandboxEngineering, at(16, 3), SandboxOmar, "RFC: move the job queue to Postgres. Comments by Friday please: <https://example.com/rfc/42|RFC 42>")
	notes := w.AddMessage(SandboxEngineering, Message{TS: at(14, 1), User: SandboxMaya, Text: "Release notes for 2.14 attached, <@" + SandboxYou + "> can you proofread?", Files: []string{SandboxNotesFile}})
	reply(SandboxEngineering, notes, at(14, 0.5), SandboxYou, "Done, two typos fixed. LGTM :white_check_mark:")
	w.AddMessage(SandboxEngineering, Message{TS: at(13, 9), User: SandboxBotUser, BotID: SandboxBotID, Username: "Deploy Bot",
		Text:        "Deployed *api v2.14.0* to production",
		Attachments: []Attachment{{Title: "api v2.14.0", Text: "3 commits by Maya Chen, Sam Rivera\n• fix search latency\n• add usergroups\n• bump Go", Fallback: "api v2.14.0 deployed to production", AuthorName: "Deploy Bot", Footer: "deploybot • production"}},
		Reactions:   []Reaction{r("rocket", SandboxMaya, SandboxOmar)}})
	post(SandboxEngineering, at(6, 2), SandboxDevon, "PSA: `make test` now runs with `-race`. If it's slow, try `go test -run TestFoo ./pkg/...`")
	flaky := post(SandboxEngineering, at(1, 3), SandboxIris, "Is anyone else seeing flaky `TestSearchPagination` on CI?")
	reply(SandboxEngineering, flaky, at(1, 2.5), SandboxDevon, "Yes, it sorts by score and ties are random. Fix incoming.")
	reply(SandboxEngineering, flaky, at(1, 2), SandboxIris, "Thanks <@"+SandboxDevon+">!")

	// #design
	crit := post(SandboxDesign, at(21, 4), SandboxPriya, "New onboarding mocks for crit: <https://example.com/figma/onboarding|Figma: onboarding v3>", r("heart_eyes", SandboxLuis))
	reply(SandboxDesign, crit, at(21, 3), SandboxLuis, "Love the empty states. Can we try a warmer palette on step 2?")
	reply(SandboxDesign, crit, at(21, 2), SandboxPriya, "On it :art:")
	w.AddMessage(SandboxDesign, Message{TS: at(10, 2), User: SandboxLuis, Text: "Final logo, exported at 16px for the favicon", Files: []string{SandboxLogoFile}, Reactions: []Reaction{r("fire", SandboxPriya, SandboxZoe)}})
	post(SandboxDesign, at(4, 1), SandboxZoe, "Marketing needs the launch banner by Wednesday, <@"+SandboxPriya+"> :pray:")

	// #leadership (private, you are a member)
	post(SandboxLeadership, at(19, 2), SandboxHana, "Board meeting moved to the 15th. Draft deck: <https://example.com/board-deck|Board deck>")
	budget := post(SandboxLeadership, at(11, 3), SandboxOmar, "Proposal: two more engineers for the platform team in Q3.")
	reply(SandboxLeadership, budget, at(11, 2), SandboxHana, "Approved if we keep burn flat. <@"+SandboxMaya+"> can you own hiring?")
	reply(SandboxLeadership, budget, at(11, 1), SandboxMaya, "Yes, I'll open the reqs this week.")
	post(SandboxLeadership, at(2, 1), SandboxYou, "Draft Q3 roadmap is ready for review.")

	// #secret-project (private, you are NOT a member)
	post(SandboxSecret, at(8, 1), SandboxHana, "Project Nightingale kickoff notes: codename stays secret until launch.")
	post(SandboxSecret, at(5, 2), SandboxDevon, "Prototype runs end to end. Nightingale demo on Friday.")

	// archived channel
	post(SandboxArchived, at(28, 2), SandboxZoe, "Launch retro: we shipped on time! Archiving this channel.", r("100", SandboxMaya, SandboxYou))

	// DMs and group DM
	post(SandboxDMMaya, at(15, 2), SandboxMaya, "Hey Sam, got 15 minutes for our 1:1 today?")
	post(SandboxDMMaya, at(15, 1.9), SandboxYou, "Sure, 3pm works :+1:")
	post(SandboxDMMaya, at(0, 5), SandboxMaya, "Great work on the search fix, people noticed :star:")
	post(SandboxDMDevon, at(7, 3), SandboxDevon, "Can you review my PR? <https://example.com/pr/1234|#1234 retry with backoff>")
	post(SandboxDMDevon, at(7, 2), SandboxYou, "Approved with one nit about the jitter.")
	w.AddMessage(SandboxDMBot, Message{TS: at(13, 8.9), User: SandboxBotUser, BotID: SandboxBotID, Text: "Your deploy of api v2.14.0 finished in 4m12s :white_check_mark:"})
	post(SandboxGroupDM, at(6, 4), SandboxPriya, "Should the sandbox banner be yellow or blue?")
	post(SandboxGroupDM, at(6, 3.5), SandboxMaya, "Blue, yellow reads like a warning.")
	post(SandboxGroupDM, at(6, 3), SandboxYou, "+1 for blue :large_blue_circle:")
	post(SandboxOthersDM, at(3, 1), SandboxMaya, "Devon, keep the Nightingale date between us for now.")

	// Daily stand-up notes in #engineering fill out the last 30 days.
	standups := []struct{ user, text string }{
		{SandboxYou, "Yesterday: search pagination. Today: review RFC 42. Blockers: none"},
		{SandboxDevon, "Yesterday: retry with backoff. Today: queue migration spike. Blockers: waiting on DB access"},
		{SandboxBen, "Yesterday: 14 support tickets. Today: docs for the export API. Blockers: none"},
		{SandboxIris, "Yesterday: churn dashboard. Today: metrics for the launch. Blockers: need read access to billing"},
		{SandboxMaya, "Yesterday: hiring loop. Today: release 2.15 planning. Blockers: none"},
		{SandboxOmar, "Yesterday: security review. Today: RFC 42 feedback. Blockers: none"},
	}
	for d := 30; d >= 1; d-- {
		s := standups[d%len(standups)]
		post(SandboxEngineering, at(float64(d), 8), s.user, fmt.Sprintf("Stand-up %s: %s", now.AddDate(0, 0, -d).Format("Jan 2"), s.text))
	}
	// Weekly tips from the bot in #general.
	for wk := 4; wk >= 1; wk-- {
		w.AddMessage(SandboxGeneral, Message{TS: at(float64(wk*7), 10), User: SandboxBotUser, BotID: SandboxBotID, Username: "Deploy Bot",
			Text: fmt.Sprintf("Weekly sandbox tip #%d: search supports `in:#channel`, `from:@name`, `during:YYYY-MM` and quoted phrases.", 5-wk)})
	}
	// Some chatter in #random.
	chatter := []struct{ user, text string }{
		{SandboxZoe, "Anyone up for a board game night?"}, {SandboxBen, "Count me in :game_die:"},
		{SandboxPriya, "I'll bring snacks :cookie:"}, {SandboxLuis, "Photos from the offsite are in the shared drive"},
		{SandboxMaya, "Reminder to log your vacation days"}, {SandboxIris, "Just learned the office plant is plastic. Trust nothing."},
		{SandboxYou, "Coffee machine is fixed :coffee: :tada:"}, {SandboxDevon, "Who took my stapler"},
		{SandboxHana, "Thanks everyone for a great quarter :heart:"}, {SandboxOmar, "New keyboard day :keyboard:"},
		{SandboxZoe, "Podcast recommendations? Need something for the commute"}, {SandboxBen, "The dog in the lobby is called Biscuit, for the record"},
		{SandboxPriya, "Sketchnotes from the design meetup: <https://example.com/sketchnotes|sketchnotes>"}, {SandboxLuis, "Friday playlist is up :notes:"},
	}
	for i, c := range chatter {
		post(SandboxRandom, at(27-float64(i)*1.8, 3), c.user, c.text)
	}
	// Weekly design crit notes and support digests.
	for wk := 4; wk >= 1; wk-- {
		post(SandboxDesign, at(float64(wk*7-1), 5), SandboxLuis, fmt.Sprintf("Design crit week %d: reviewed %d flows, action items in the notes doc.", 5-wk, 2+wk))
		post(SandboxEngineering, at(float64(wk*7-2), 6), SandboxBen, fmt.Sprintf("Support digest: %d tickets this week, top issue: *password reset emails*.", 20+wk*3))
	}

	w.AddFile(File{ID: SandboxNotesFile, Name: "release-notes-2.14.md", Title: "Release notes 2.14", Mimetype: "text/markdown", Filetype: "markdown",
		User: SandboxMaya, Channels: []string{SandboxEngineering}, Created: now.AddDate(0, 0, -14).Unix(),
		Content: []byte("# Release 2.14\n\n- Faster search (p95 180ms)\n- User groups\n- Go 1.26\n\nThis is sandbox data.\n")})
	w.AddFile(File{ID: SandboxLogoFile, Name: "logo.png", Title: "Sandbox logo", Mimetype: "image/png", Filetype: "png",
		User: SandboxLuis, Channels: []string{SandboxDesign}, Created: now.AddDate(0, 0, -10).Unix(), Content: sandboxPNG()})

	addSandboxEdges(w, at)

	w.AddUserGroup(UserGroup{ID: SandboxEngineers, Handle: "engineers", Name: "Engineering", Description: "Everyone who ships code",
		Users: []string{SandboxYou, SandboxMaya, SandboxDevon, SandboxOmar, SandboxIris}, Created: created, CreatedBy: SandboxMaya})
	w.AddUserGroup(UserGroup{ID: "S0SBDSGNR", Handle: "designers", Name: "Design", Description: "Product and brand design",
		Users: []string{SandboxPriya, SandboxLuis}, Created: created, CreatedBy: SandboxLuis})

	w.AddToken(SandboxUserToken, Token{UserID: SandboxYou, Kind: UserToken, Scopes: AllUserScopes()})
	w.AddToken(SandboxBotToken, Token{UserID: SandboxBotUser, Kind: BotToken, Scopes: append(BotScopes(), "chat:write.public")})

	// You have read #general up to a week ago and everything in your DMs.
	w.mu.Lock()
	setLastRead(w.mustChannel(SandboxGeneral), SandboxYou, now.AddDate(0, 0, -7).UnixMicro())
	setLastRead(w.mustChannel(SandboxEngineering), SandboxYou, now.AddDate(0, 0, -3).UnixMicro())
	for _, id := range []string{SandboxDMMaya, SandboxDMDevon, SandboxDMBot, SandboxGroupDM} {
		setLastRead(w.mustChannel(id), SandboxYou, now.UnixMicro())
	}
	w.mu.Unlock()
	return w
}

// sandboxPNG draws a small gradient logo.
func sandboxPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{R: uint8(x * 16), G: 96, B: uint8(255 - y*16), A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
