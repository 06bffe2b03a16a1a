package slackemu

import "encoding/json"

// Sandbox IDs of the shapes real workspaces have and tidy fixtures forget.
const (
	SandboxWren        = "W0SBWREN1" // Enterprise Grid style W… user ID
	SandboxSlackbot    = "USLACKBOT"
	SandboxPartnerTeam = "T0PARTNER"
	SandboxPartnerKim  = "U0PTNRKIM" // external: belongs to SandboxPartnerTeam
	SandboxConnect     = "C0SBCNNCT" // Slack Connect channel shared with Partner Inc
	SandboxDMSlackbot  = "D0SBSLKBT"
	SandboxEngineers   = "S0SBENGRS" // the @engineers user group
)

// addSandboxEdges adds what real Slack sends and a tidy fixture forgets:
// <!here> and user group mentions, an edited message, join and topic
// notices, a blocks-only bot message, a Slack Connect channel with an
// external user, Slackbot, a W… user ID, skin-tone emoji and text with
// Slack's HTML escaping. at(d, h) is a ts d days and h hours ago. Shapes
// follow docs.slack.dev: the message event page (edited: user and ts),
// the channel_join and channel_topic subtype pages (text "<@U…|name> has
// joined the channel", topic), "Formatting text for app surfaces"
// (<!here>, <!subteam^…|@handle>, escaping) and the Block Kit reference
// (header, section fields, context).
func addSandboxEdges(w *Workspace, at func(d, h float64) string) {
	w.AddUser(User{ID: SandboxWren, Name: "wren", RealName: "Wren Ito", DisplayName: "Wren", Title: "Site Reliability Engineer",
		TZ: "Asia/Tokyo", Email: "wren@sandbox.example.com"})
	// Slackbot is assumed to be listed by users.list with is_bot false, as
	// clients report; the users.list reference does not show it.
	w.AddUser(User{ID: SandboxSlackbot, Name: "slackbot", RealName: "Slackbot", DisplayName: "Slackbot"})
	w.AddUser(User{ID: SandboxPartnerKim, Name: "kim.park", RealName: "Kim Park", DisplayName: "Kim (Partner Inc)", Title: "Integrations Lead",
		TZ: "Pacific/Auckland", Email: "kim@partner.example.com", TeamID: SandboxPartnerTeam})

	w.mu.Lock()
	general := w.mustChannel(SandboxGeneral)
	general.Members = normalizeMembers(append(general.Members, SandboxWren))
	eng := w.mustChannel(SandboxEngineering)
	eng.Members = normalizeMembers(append(eng.Members, SandboxWren))
	created := general.Created
	w.mu.Unlock()
	w.AddChannel(Channel{ID: SandboxConnect, Name: "ext-partner-inc", IsExtShared: true, Topic: "Shared with Partner Inc (Slack Connect)",
		Purpose: "Integration work with Partner Inc", Members: []string{SandboxYou, SandboxMaya, SandboxDevon, SandboxPartnerKim},
		Created: created, Creator: SandboxMaya})
	w.AddChannel(Channel{ID: SandboxDMSlackbot, IsIM: true, User: SandboxSlackbot, Members: []string{SandboxYou, SandboxSlackbot}, Created: created})

	r := func(name string, users ...string) Reaction { return Reaction{Name: name, Users: users} }

	// #general: the newest messages are hours old, so the default 1d
	// window of conversations_history finds them.
	w.AddMessage(SandboxGeneral, Message{TS: at(0, 20), User: SandboxWren, Subtype: "channel_join",
		Text: "<@" + SandboxWren + "|wren> has joined the channel"})
	w.AddMessage(SandboxGeneral, Message{TS: at(0, 19), User: SandboxWren,
		Text:      "Hi all, I'm Wren, new on the SRE side :wave::skin-tone-2: happy to be here!",
		Reactions: []Reaction{r("+1::skin-tone-2", SandboxYou, SandboxMaya), r("wave", SandboxHana)}})
	standup := at(0, 6)
	w.AddMessage(SandboxGeneral, Message{TS: standup, User: SandboxMaya,
		Text:   "Heads up <!subteam^" + SandboxEngineers + "|@engineers>: stand-up moves to 10:30 today.",
		Edited: &Edited{User: SandboxMaya, TS: at(0, 5.9)}})
	w.AddMessage(SandboxGeneral, Message{TS: at(0, 2), User: SandboxOmar,
		Text:      "<!here> sandbox news: the coffee machine on 3 is fixed &amp; the fridge is clean. Anything &gt; 1 week old is gone &lt;3",
		Reactions: []Reaction{r("coffee", SandboxYou, SandboxZoe, SandboxWren)}})

	// #engineering: a topic change and a bot message made of blocks only.
	w.AddMessage(SandboxEngineering, Message{TS: at(0, 9), User: SandboxDevon, Subtype: "channel_topic",
		Text: "<@" + SandboxDevon + "|devon> set the channel topic: Release train: Thursdays. Freeze from Wednesday noon", Topic: "Release train: Thursdays. Freeze from Wednesday noon"})
	w.AddMessage(SandboxEngineering, Message{TS: at(0, 1), User: SandboxBotUser, BotID: SandboxBotID, Username: "Deploy Bot", Blocks: deployBlocks()})

	// Slack Connect: Kim belongs to Partner Inc (another team).
	w.AddMessage(SandboxConnect, Message{TS: at(6, 3), User: SandboxMaya, Text: "Welcome to our shared channel, Partner Inc :handshake:"})
	spec := w.AddMessage(SandboxConnect, Message{TS: at(2, 4), User: SandboxPartnerKim,
		Text: "Hi all, Kim from Partner Inc. Our integration spec: <https://partner.example.com/spec|spec v2>"})
	w.AddReply(SandboxConnect, spec, Message{TS: at(2, 3), User: SandboxYou, Text: "Thanks <@" + SandboxPartnerKim + ">! We'll review it by Friday."})
	w.AddMessage(SandboxConnect, Message{TS: at(0, 4), User: SandboxPartnerKim, Text: "Any news on webhook retries? :pray::skin-tone-4:",
		Reactions: []Reaction{r("eyes", SandboxDevon)}})

	// Slackbot talks to you in its own DM.
	w.AddMessage(SandboxDMSlackbot, Message{TS: at(0, 3), User: SandboxSlackbot, Text: "Reminder: submit your Q3 self-review."})
}

// deployBlocks is a Block Kit layout (header, section with fields,
// context) as bots send without a text fallback.
func deployBlocks() json.RawMessage {
	blocks := []map[string]any{
		{"type": "header", "block_id": "h1", "text": map[string]any{"type": "plain_text", "text": "Deploy finished: api v2.15.0", "emoji": true}},
		{"type": "section", "block_id": "s1", "text": map[string]any{"type": "mrkdwn", "text": "*api v2.15.0* is live in production &amp; healthy :white_check_mark:"},
			"fields": []map[string]any{{"type": "mrkdwn", "text": "*Duration*\n4m 02s"}, {"type": "mrkdwn", "text": "*Commits*\n7"}}},
		{"type": "context", "block_id": "c1", "elements": []map[string]any{{"type": "mrkdwn", "text": "Requested by <@" + SandboxMaya + ">"}}},
	}
	raw, _ := json.Marshal(blocks)
	return raw
}
