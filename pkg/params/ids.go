package params

// One validator per kind of Slack ID, used by every package that must
// tell an ID from a name (tool arguments, mrkdwn mentions, the channel
// lists of write policies).
//
// Slack documents IDs as opaque strings and asks clients not to parse
// them; what it does document is the first letter of each kind (C public
// channel, G private channel or group DM of old, D direct message, U and
// W users, B bots, T workspaces, E Enterprise Grid organisations, S user
// groups, F files). We assume, as every ID seen in Slack's documentation and API
// examples shows, that the rest is uppercase letters and digits with at
// least one digit. The digit tells "@U024BE7LH" (an ID) from "@WALLY" (a
// name written in capitals); the one documented exception is Slackbot's
// user ID, USLACKBOT, accepted by name.

// SlackbotID is Slackbot's user ID in every workspace.
const SlackbotID = "USLACKBOT"

// IsConversationID reports whether s is a conversation ID (C, G or D).
func IsConversationID(s string) bool { return hasIDPrefix(s, "CGD") }

// IsUserID reports whether s is a user ID (U or W, or USLACKBOT).
func IsUserID(s string) bool { return s == SlackbotID || hasIDPrefix(s, "UW") }

// IsBotID reports whether s is a bot ID (B).
func IsBotID(s string) bool { return hasIDPrefix(s, "B") }

// IsTeamID reports whether s is a workspace ID (T).
func IsTeamID(s string) bool { return hasIDPrefix(s, "T") }

// IsEnterpriseID reports whether s is an Enterprise Grid organisation ID (E).
func IsEnterpriseID(s string) bool { return hasIDPrefix(s, "E") }

// IsUsergroupID reports whether s is a user group ID (S).
func IsUsergroupID(s string) bool { return hasIDPrefix(s, "S") }

// IsFileID reports whether s is a file ID (F).
func IsFileID(s string) bool { return hasIDPrefix(s, "F") }

// maxIDLen bounds an ID: Slack's are about a dozen characters; anything
// much longer is not an ID, whatever its letters.
const maxIDLen = 31

// hasIDPrefix reports whether s is one of prefixes' letters followed by
// uppercase letters and digits, at least one of them a digit, maxIDLen
// characters at most.
func hasIDPrefix(s, prefixes string) bool {
	if len(s) < 2 || len(s) > maxIDLen {
		return false
	}
	ok := false
	for i := 0; i < len(prefixes); i++ {
		if s[0] == prefixes[i] {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	digit := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	return digit
}
