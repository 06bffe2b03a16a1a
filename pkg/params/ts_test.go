package params

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		errPart string
	}{
		{"1700000000.123456", "1700000000.123456", ""},
		{" 1700000000.123456 ", "1700000000.123456", ""},
		{"1700000000.000100", "1700000000.000100", ""},
		{"1700000000.1", "1700000000.100000", ""},
		{"1700000000.12345", "1700000000.123450", ""},
		{"p1700000000123456", "1700000000.123456", ""},
		{"P1700000000123456", "1700000000.123456", ""},
		{"p1700000000000100", "1700000000.000100", ""},
		{"", "", `"thread_ts" is required: a Slack message timestamp such as 1700000000.123456`},
		{"1700000000", "", `"thread_ts" must be a Slack message timestamp such as 1700000000.123456`},
		{"1700000000.", "", "must be a Slack message timestamp"},
		{".123456", "", "must be a Slack message timestamp"},
		{"1700000000.1234567", "", "must be a Slack message timestamp"},
		{"-1700000000.123456", "", "must be a Slack message timestamp"},
		{"1700000000.12a456", "", "must be a Slack message timestamp"},
		{"1700000000.123456.1", "", "must be a Slack message timestamp"},
		{"p123456", "", "must be a Slack message timestamp"},
		{"p17000000001234x6", "", "must be a Slack message timestamp"},
		{"abc", "", `got "abc"`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTS(tc.in, "thread_ts")
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseMessageURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    MessageURL
		ok      bool
		errPart string
	}{
		{"plain", "https://acme.slack.com/archives/C0123456789/p1700000000123456",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456"}, true, ""},
		{"short id from docs", "https://x.slack.com/archives/C123/p1700000000123456",
			MessageURL{Host: "x.slack.com", ChannelID: "C123", TS: "1700000000.123456"}, true, ""},
		{"thread reply", "https://acme.slack.com/archives/C0123456789/p1700000000123456?thread_ts=1700000000.000100&cid=C0123456789",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456", ThreadTS: "1700000000.000100"}, true, ""},
		{"gov", "https://agency.slack-gov.com/archives/G0123456789/p1700000000123456",
			MessageURL{Host: "agency.slack-gov.com", ChannelID: "G0123456789", TS: "1700000000.123456"}, true, ""},
		{"enterprise", "https://acme.enterprise.slack.com/archives/D0123456789/p1700000000123456",
			MessageURL{Host: "acme.enterprise.slack.com", ChannelID: "D0123456789", TS: "1700000000.123456"}, true, ""},
		{"upper host, trailing slash, spaces", "  HTTPS://Acme.Slack.com/archives/C0123456789/p1700000000123456/ ",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456"}, true, ""},
		{"no scheme", "acme.slack.com/archives/C0123456789/p1700000000123456",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456"}, true, ""},
		{"slack angle brackets", "<https://acme.slack.com/archives/C0123456789/p1700000000123456|link>",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456"}, true, ""},
		{"fragment ignored", "https://acme.slack.com/archives/C0123456789/p1700000000123456#x",
			MessageURL{Host: "acme.slack.com", ChannelID: "C0123456789", TS: "1700000000.123456"}, true, ""},

		{"search query", "deploy failed in:#ops", MessageURL{}, false, ""},
		{"query with a link", "see https://acme.slack.com/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"empty", "", MessageURL{}, false, ""},
		{"other host", "https://example.com/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"lookalike host", "https://acme.slack.com.evil.io/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"suffix without dot", "https://evilslack.com/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"non-archives slack path", "https://acme.slack.com/files/U1/F1/x.png", MessageURL{}, false, ""},
		{"ftp scheme", "ftp://acme.slack.com/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"userinfo", "https://u:p@acme.slack.com/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},
		{"port", "https://acme.slack.com:8443/archives/C0123456789/p1700000000123456", MessageURL{}, false, ""},

		{"channel link", "https://acme.slack.com/archives/C0123456789", MessageURL{}, true, "points to a channel, not a message"},
		{"no channel", "https://acme.slack.com/archives/", MessageURL{}, true, "no valid channel ID"},
		{"bad channel", "https://acme.slack.com/archives/general/p1700000000123456", MessageURL{}, true, "no valid channel ID"},
		{"bad ts", "https://acme.slack.com/archives/C0123456789/p17000", MessageURL{}, true, "not a message timestamp like p1700000000123456"},
		{"dotted ts in path", "https://acme.slack.com/archives/C0123456789/1700000000.123456", MessageURL{}, true, "not a message timestamp"},
		{"extra segment", "https://acme.slack.com/archives/C0123456789/p1700000000123456/x", MessageURL{}, true, "unexpected parts"},
		{"bad thread_ts", "https://acme.slack.com/archives/C0123456789/p1700000000123456?thread_ts=abc", MessageURL{}, true, "thread_ts is not a message timestamp"},
		{"cid mismatch", "https://acme.slack.com/archives/C0123456789/p1700000000123456?cid=C999", MessageURL{}, true, "names two different channels"},
		{"bad query", "https://acme.slack.com/archives/C0123456789/p1700000000123456?thread_ts=%zz", MessageURL{}, true, "query string is malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := ParseMessageURL(tc.in)
			assert.Equal(t, tc.ok, ok)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				assert.Contains(t, err.Error(), "Copy link")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
