package slackemu

// methodTable lists every emulated Web API method with its rate-limit tier
// (Slack's documented tiers), the scopes Slack accepts for it (sent back in
// X-Accepted-OAuth-Scopes) and whether it writes to the workspace.
func (s *Server) methodTable() map[string]methodSpec {
	history := []string{"channels:history", "groups:history", "im:history", "mpim:history"}
	read := []string{"channels:read", "groups:read", "im:read", "mpim:read"}
	write := []string{"channels:write", "groups:write", "im:write", "mpim:write"}
	return map[string]methodSpec{
		"auth.test":   {tier: tierSpecial, fn: authTest},
		"auth.revoke": {tier: tier3, write: true, fn: authRevoke},
		// auth.teams.list: Tier 2, no scopes (its reference page).
		"auth.teams.list": {tier: tier2, fn: authTeamsList},

		"oauth.v2.access":      {tier: tierSpecial, write: true, noAuth: true, fn: oauthV2Access},
		"oauth.v2.user.access": {tier: tierSpecial, write: true, noAuth: true, fn: oauthV2UserAccess},

		"users.list":          {tier: tier2, scopes: []string{"users:read"}, fn: orgScoped(usersList)},
		"users.info":          {tier: tier4, scopes: []string{"users:read"}, fn: usersInfo},
		"users.lookupByEmail": {tier: tier3, scopes: []string{"users:read.email"}, fn: usersLookupByEmail},
		"users.profile.get":   {tier: tier4, scopes: []string{"users.profile:read"}, fn: usersProfileGet},
		"users.profile.set":   {tier: tier3, write: true, scopes: []string{"users.profile:write"}, fn: usersProfileSet},
		"team.profile.get":    {tier: tier3, scopes: []string{"users.profile:read"}, fn: teamProfileGet},
		"users.conversations": {tier: tier3, scopes: read, fn: orgScoped(usersConversations)},

		"conversations.list":    {tier: tier2, scopes: read, fn: orgScoped(conversationsList)},
		"conversations.info":    {tier: tier3, scopes: read, fn: conversationsInfo},
		"conversations.members": {tier: tier4, scopes: read, fn: conversationsMembers},
		"conversations.history": {tier: s.historyTier(), scopes: history, fn: conversationsHistory},
		"conversations.replies": {tier: s.historyTier(), scopes: history, fn: conversationsReplies},
		"conversations.open": {tier: tier3, write: true,
			scopes: []string{"channels:manage", "groups:write", "im:write", "mpim:write"}, fn: conversationsOpen},
		"conversations.mark": {tier: tier3, write: true, scopes: write, fn: conversationsMark},
		"conversations.create": {tier: tier2, write: true,
			scopes: []string{"channels:write", "groups:write", "channels:manage"}, fn: conversationsCreate},
		"conversations.setTopic":   {tier: tier2, write: true, scopes: write, fn: conversationsSetTopic},
		"conversations.setPurpose": {tier: tier2, write: true, scopes: write, fn: conversationsSetPurpose},
		"conversations.invite": {tier: tier3, write: true,
			scopes: []string{"channels:write", "groups:write", "channels:write.invites", "groups:write.invites"}, fn: conversationsInvite},
		"conversations.join": {tier: tier3, write: true,
			scopes: []string{"channels:write", "channels:join"}, fn: conversationsJoin},
		"conversations.leave": {tier: tier3, write: true,
			scopes: []string{"channels:write", "groups:write", "im:write", "mpim:write", "channels:manage"}, fn: conversationsLeave},

		"chat.postMessage":  {tier: tierSpecial, write: true, scopes: []string{"chat:write"}, fn: chatPostMessage},
		"chat.getPermalink": {tier: tierSpecial, fn: chatGetPermalink},
		"chat.update":       {tier: tier3, write: true, scopes: []string{"chat:write"}, fn: chatUpdate},
		"chat.delete":       {tier: tier3, write: true, scopes: []string{"chat:write"}, fn: chatDelete},
		// chat.scheduledMessages.list needs no scope (its reference page).
		"chat.scheduleMessage":        {tier: tier3, write: true, scopes: []string{"chat:write"}, fn: chatScheduleMessage},
		"chat.scheduledMessages.list": {tier: tier3, fn: chatScheduledMessagesList},
		"chat.deleteScheduledMessage": {tier: tier3, write: true, scopes: []string{"chat:write"}, fn: chatDeleteScheduledMessage},

		"reactions.add":    {tier: tier3, write: true, scopes: []string{"reactions:write"}, fn: reactionsAdd},
		"reactions.remove": {tier: tier2, write: true, scopes: []string{"reactions:write"}, fn: reactionsRemove},
		"reactions.get":    {tier: tier3, scopes: []string{"reactions:read"}, fn: reactionsGet},

		"emoji.list": {tier: tier2, scopes: []string{"emoji:read"}, fn: emojiList},

		"search.messages": {tier: tier2, scopes: []string{"search:read"}, fn: orgScoped(searchMessages)},

		"files.info":                   {tier: tier4, scopes: []string{"files:read"}, fn: filesInfo},
		"files.list":                   {tier: tier3, scopes: []string{"files:read"}, fn: filesList},
		"files.getUploadURLExternal":   {tier: tier4, write: true, scopes: []string{"files:write"}, fn: filesGetUploadURLExternal},
		"files.completeUploadExternal": {tier: tier4, write: true, scopes: []string{"files:write"}, fn: filesCompleteUploadExternal},
		"search.files":                 {tier: tier2, scopes: []string{"search:read"}, fn: orgScoped(searchFiles)},

		"usergroups.list":         {tier: tier2, scopes: []string{"usergroups:read"}, fn: orgScoped(usergroupsList)},
		"usergroups.users.list":   {tier: tier2, scopes: []string{"usergroups:read"}, fn: orgScoped(usergroupsUsersList)},
		"usergroups.users.update": {tier: tier2, write: true, scopes: []string{"usergroups:write"}, fn: orgScoped(usergroupsUsersUpdate)},
		"usergroups.create":       {tier: tier2, write: true, scopes: []string{"usergroups:write"}, fn: orgScoped(usergroupsCreate)},
		"usergroups.update":       {tier: tier2, write: true, scopes: []string{"usergroups:write"}, fn: orgScoped(usergroupsUpdate)},

		"team.info": {tier: tier3, scopes: []string{"team:read"}, fn: teamInfo},

		// canvases.go: tiers from each method's reference page (getContent
		// lists none; Tier 3 assumed).
		"canvases.create":               {tier: tier2, write: true, scopes: []string{"canvases:write"}, fn: canvasesCreate},
		"conversations.canvases.create": {tier: tier2, write: true, scopes: []string{"canvases:write"}, fn: conversationsCanvasesCreate},
		"canvases.edit":                 {tier: tier3, write: true, scopes: []string{"canvases:write"}, fn: canvasesEdit},
		"canvases.sections.lookup":      {tier: tier3, scopes: []string{"canvases:read"}, fn: canvasesSectionsLookup},
		"canvases.getContent":           {tier: tier3, scopes: []string{"canvases:read"}, fn: canvasesGetContent},
	}
}
