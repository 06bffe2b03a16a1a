package workspace

import (
	"errors"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
)

func TestUserFromSlack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   slack.User
		want User
	}{
		{
			name: "full",
			in: slack.User{ID: "U1", Name: "jsmith", RealName: "John Smith", TZ: "Europe/Paris", IsRestricted: true,
				Profile: slack.UserProfile{DisplayName: "Johnny", Email: "j@x.test", Title: "Eng", RealName: "ignored"}},
			want: User{ID: "U1", Name: "jsmith", RealName: "John Smith", DisplayName: "Johnny", Email: "j@x.test", Title: "Eng", TZ: "Europe/Paris", IsRestricted: true},
		},
		{
			name: "real name from profile",
			in:   slack.User{ID: "U2", Profile: slack.UserProfile{RealName: "Ana"}},
			want: User{ID: "U2", RealName: "Ana"},
		},
		{
			name: "single-channel guest, deleted bot",
			in:   slack.User{ID: "U3", IsUltraRestricted: true, IsBot: true, Deleted: true},
			want: User{ID: "U3", IsRestricted: true, IsBot: true, Deleted: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, userFromSlack(&tt.in))
		})
	}
}

func TestChannelFromSlack(t *testing.T) {
	t.Parallel()
	ch := func(f func(*slack.Channel)) slack.Channel {
		var c slack.Channel
		f(&c)
		return c
	}
	tests := []struct {
		name string
		in   slack.Channel
		want Channel
	}{
		{
			name: "public",
			in: ch(func(c *slack.Channel) {
				c.ID, c.Name, c.NumMembers, c.Created = "C1", "general", 3, 1700000000
				c.Topic.Value, c.Purpose.Value = "t", "p"
			}),
			want: Channel{ID: "C1", Name: "general", Topic: "t", Purpose: "p", MemberCount: 3, Created: 1700000000},
		},
		{
			name: "legacy private group, members listed",
			in: ch(func(c *slack.Channel) {
				c.ID, c.NameNormalized, c.IsGroup, c.IsArchived = "G1", "secret", true, true
				c.Members = []string{"U1", "U2"}
			}),
			want: Channel{ID: "G1", Name: "secret", MemberCount: 2, IsPrivate: true, IsArchived: true, IsMember: true},
		},
		{
			name: "im named after peer",
			in:   ch(func(c *slack.Channel) { c.ID, c.IsIM, c.User = "D1", true, "U9" }),
			want: Channel{ID: "D1", Name: "U9", IsPrivate: true, IsIM: true, IsMember: true, PeerUserID: "U9"},
		},
		{
			name: "mpim",
			in:   ch(func(c *slack.Channel) { c.ID, c.Name, c.IsMpIM, c.IsExtShared = "G2", "mpdm-a--b-1", true, true }),
			want: Channel{ID: "G2", Name: "mpdm-a--b-1", IsPrivate: true, IsMPIM: true, IsExtShared: true, IsMember: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, channelFromSlack(&tt.in))
		})
	}
}

func TestAPIError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		key      string
		notFound bool
		text     string
	}{
		{"not found", slack.SlackErrorResponse{Err: "user_not_found"}, "U1", true, "not found: users.info U1: user_not_found"},
		{"other slack error", slack.SlackErrorResponse{Err: "missing_scope"}, "U1", false, "users.info U1: missing_scope"},
		{"transport", errors.New("boom"), "", false, "users.info: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := apiError("users.info", tt.key, tt.err)
			assert.Equal(t, tt.notFound, errors.Is(err, ErrNotFound))
			if _, ok := tt.err.(slack.SlackErrorResponse); ok {
				var se slack.SlackErrorResponse
				assert.ErrorAs(t, err, &se, "the Slack error stays inspectable")
			} else {
				assert.ErrorIs(t, err, tt.err)
			}
			assert.EqualError(t, err, tt.text)
		})
	}
}
