package slackapi

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		token string
		want  TokenKind
	}{
		{"xoxp-1-2-3", UserToken},
		{"xoxe.xoxp-1-abc", UserToken},
		{"xoxb-1-2", BotToken},
		{"xoxe.xoxb-1-abc", BotToken},
		{"xoxc-1-2-3", SessionToken},
		{"  xoxp-1  ", UserToken},
		{"xoxa-2-1", 0},
		{"xapp-1-A1", 0},
		{"xoxe-1-refresh", 0},
		{"xoxd-cookie", 0},
		{"", 0},
		{"Bearer xoxp-1", 0},
	} {
		t.Run(tc.token, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, KindOf(tc.token))
		})
	}
}

func TestTokenKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "user", UserToken.String())
	assert.Equal(t, "bot", BotToken.String())
	assert.Equal(t, "session", SessionToken.String())
	assert.Equal(t, "unknown", TokenKind(0).String())
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	a := Credentials{Token: testUserToken}.Fingerprint()
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{12}$`), a)
	assert.Equal(t, a, Credentials{Token: testUserToken, Cookie: "x"}.Fingerprint(), "the cookie does not change it")
	assert.NotEqual(t, a, Credentials{Token: testBotToken}.Fingerprint())
	assert.NotContains(t, testUserToken, a)
}

func TestCookieValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"raw", testCookieRaw, testCookieEnc},
		{"encoded", testCookieEnc, testCookieEnc},
		{"d= prefix raw", "d=" + testCookieRaw, testCookieEnc},
		{"d= prefix encoded", "d=" + testCookieEnc, testCookieEnc},
		{"cookie header", "d-s=1700000000; d=" + testCookieEnc + "; lc=1", testCookieEnc},
		{"quoted", `"` + testCookieEnc + `"`, testCookieEnc},
		{"spaces", "  " + testCookieRaw + "\n", testCookieEnc},
		{"empty", "", ""},
		{"only d=", "d=", ""},
		{"percent but not encoding", "xoxd-100%", "xoxd-100%25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, cookieValue(tc.in))
		})
	}
}
