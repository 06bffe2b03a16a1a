package params

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseChannelRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    ChannelRef
		errPart string
	}{
		{"C0123456789", ChannelRef{RefID, "C0123456789"}, ""},
		{" C0123456789 ", ChannelRef{RefID, "C0123456789"}, ""},
		{"G024BE91L", ChannelRef{RefID, "G024BE91L"}, ""},
		{"D024BE91L", ChannelRef{RefID, "D024BE91L"}, ""},
		{"C123", ChannelRef{RefID, "C123"}, ""},
		{"#C0123456789", ChannelRef{RefID, "C0123456789"}, ""},
		{"<#C0123456789|general>", ChannelRef{RefID, "C0123456789"}, ""},
		{"<#C0123456789>", ChannelRef{RefID, "C0123456789"}, ""},
		{"#general", ChannelRef{RefName, "general"}, ""},
		{"#General", ChannelRef{RefName, "general"}, ""},
		{"general", ChannelRef{RefName, "general"}, ""},
		{"team-updates_2", ChannelRef{RefName, "team-updates_2"}, ""},
		{"DEV", ChannelRef{RefName, "dev"}, ""},
		{"c0123456789", ChannelRef{RefName, "c0123456789"}, ""},
		{"#日本語", ChannelRef{RefName, "日本語"}, ""},
		{"@john", ChannelRef{RefUser, "john"}, ""},
		{"@John Smith", ChannelRef{RefUser, "John Smith"}, ""},
		{"@ john ", ChannelRef{RefUser, "john"}, ""},
		{"@U0123ABCD", ChannelRef{RefUser, "U0123ABCD"}, ""},
		{"U0123ABCD", ChannelRef{RefUser, "U0123ABCD"}, ""},
		{"W0123ABCD", ChannelRef{RefUser, "W0123ABCD"}, ""},
		{"", ChannelRef{}, "a channel is required; pass a channel ID such as C0123456789"},
		{"   ", ChannelRef{}, "a channel is required"},
		{"#", ChannelRef{}, "a channel name is needed after '#', for example #general"},
		{"@", ChannelRef{}, "a user name is needed after '@', for example @john"},
		{"@   ", ChannelRef{}, "a user name is needed after '@'"},
		{"#my channel", ChannelRef{}, "contains spaces"},
		{"##general", ChannelRef{}, "not a valid reference"},
		{"#gen@eral", ChannelRef{}, "not a valid reference"},
		{"a,b", ChannelRef{}, "not a valid reference"},
		{"@jo\x00hn", ChannelRef{}, "control characters"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseChannelRef(tc.in)
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

func TestRefKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "id", RefID.String())
	assert.Equal(t, "name", RefName.String())
	assert.Equal(t, "user", RefUser.String())
	assert.Equal(t, "RefKind(9)", RefKind(9).String())
}

func TestIDShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		conv, user bool
	}{
		{"C0123ABCD", true, false},
		{"G1", true, false},
		{"D9X", true, false},
		{"CABCDEF", false, false},
		{"C", false, false},
		{"U061NFTT2", false, true},
		{"W0123", false, true},
		{"u061nftt2", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.conv, IsConversationID(tc.in))
			assert.Equal(t, tc.user, IsUserID(tc.in))
		})
	}
}

func TestParseChannelTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		errPart string
	}{
		{"", nil, ""},
		{" , ", nil, ""},
		{"public_channel", []string{"public_channel"}, ""},
		{"public_channel,private_channel,im,mpim", []string{"public_channel", "private_channel", "im", "mpim"}, ""},
		{" IM , mpim,im ", []string{"im", "mpim"}, ""},
		{"mpim,,public_channel", []string{"mpim", "public_channel"}, ""},
		{"public,private,dm,group_dm", []string{"public_channel", "private_channel", "im", "mpim"}, ""},
		{"public_channel,channels", []string{"public_channel"}, ""},
		{"public_channel,chat", nil, `channel type "chat" is not one of public_channel, private_channel, im, mpim`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseChannelTypes(tc.in)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
