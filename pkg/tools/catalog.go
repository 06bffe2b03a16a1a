package tools

import "sort"

// Catalog lists every tool the server knows, in the order tools/list shows
// them. It is the only list of tool names: registration, filtering, scope
// derivation, the README table and the tests all read it.
func Catalog() []Tool {
	return []Tool{
		// channels.go
		channelsList(),
		// membership.go
		channelsMe(),
		conversationsJoin(),
		conversationsLeave(),
		// conversations.go
		conversationsHistory(),
		conversationsReplies(),
		conversationsAddMessage(),
		// edit.go
		conversationsEditMessage(),
		conversationsDeleteMessage(),
		conversationsMark(),
		// schedule.go
		conversationsScheduleMessage(),
		conversationsScheduledMessagesList(),
		conversationsDeleteScheduledMessage(),
		// members.go
		conversationsMembers(),
		// conversations_write.go
		conversationsOpen(),
		conversationsCreate(),
		conversationsInvite(),
		// unreads.go
		conversationsUnreads(),
		// search.go
		conversationsSearchMessages(),
		// users.go
		usersSearch(),
		// profile.go
		usersProfile(),
		usersSetStatus(),
		// reactions.go
		reactionsAdd(),
		reactionsRemove(),
		// reactions_get.go
		reactionsGet(),
		// emoji_list.go
		emojiList(),
		// attachments.go
		attachmentGetData(),
		// files.go, files_upload.go
		filesList(),
		filesSearch(),
		filesUpload(),
		// usergroups.go
		usergroupsList(),
		usergroupsMe(),
		usergroupsCreate(),
		usergroupsUpdate(),
		usergroupsUsersUpdate(),
		// canvases.go
		canvasesCreate(),
		canvasesRead(),
		// canvases_update.go
		canvasesUpdate(),
	}
}

// Lookup returns the catalog entry with that name.
func Lookup(name string) (Tool, bool) {
	for _, t := range Catalog() {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}

// Scopes returns the sorted union of the Slack user scopes the given tools
// need: the default OAuth scope set is derived from it.
func Scopes(ts []Tool) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		for _, s := range t.Scopes {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// savedWhy is why the saved_* tools of korotovsky/slack-mcp-server 1.3.0
// are not offered.
const savedWhy = "1.3.0's saved_* tools use undocumented Slack endpoints that only browser-session tokens can call"

// notOffered are tool names of korotovsky/slack-mcp-server 1.3.0 that this
// server accepts in --enabled-tools (so a 1.3.0 configuration starts) but
// does not serve, with the reason.
var notOffered = map[string]string{
	"saved_list":            savedWhy,
	"saved_update":          savedWhy,
	"saved_clear_completed": savedWhy,
}

// NotOffered reports whether name is a known tool name this server does
// not serve, and why.
func NotOffered(name string) (why string, ok bool) {
	why, ok = notOffered[name]
	return why, ok
}

// NotOfferedNames lists those names, sorted.
func NotOfferedNames() []string {
	out := make([]string, 0, len(notOffered))
	for n := range notOffered {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
