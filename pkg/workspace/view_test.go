package workspace

import (
	"errors"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// missingScope returns the scope a missing_scope error names, or "".
func missingScope(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "missing_scope" {
		return se.Needed
	}
	return ""
}

// A view shows one caller only what its own token could read from Slack:
// the shared directory (swept with a full-scope token) holds emails, a
// caller without users:read.email never sees or matches them, a caller
// without users:read sees nobody. The attack: a low-scope token reading
// everyone's email through the cache.
func TestUsersViewsFollowTheCallersScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	full := NewUsers(e.api, e.opts())
	warmUsers(t, full)
	require.Same(t, full, full.View(AccessFull))
	require.Same(t, full.View(AccessNoEmail), full.View(AccessNoEmail), "one view per access level")

	for _, tc := range []struct {
		access      Access
		people      int
		email       string // of U1 as shown
		byEmail     string // ID found searching an email, "" = none
		findScope   string // missing_scope of Find(email), "" = found
		getScope    string // missing_scope of Get, "" = found
		cachedFound bool
	}{
		{AccessFull, 8, "john.smith@acme.test", "U1", "", "", true},
		{AccessNoEmail, 8, "", "", "users:read.email", "", true},
		{AccessNone, 0, "", "", "users:read", "users:read", false},
	} {
		t.Run(tc.access.String(), func(t *testing.T) {
			t.Parallel()
			v := full.View(tc.access)
			all := v.All()
			assert.Len(t, all, tc.people)
			for _, u := range all {
				if tc.access != AccessFull {
					assert.Empty(t, u.Email, "no email for %s", u.ID)
				}
			}
			var found string
			if hits := v.Search("john.smith@acme", 5); len(hits) > 0 {
				found = hits[0].ID
			}
			assert.Equal(t, tc.byEmail, found, "email search")
			for _, u := range v.Search("smith", 10) {
				assert.Equal(t, tc.email != "", u.Email != "", "emails in search results")
			}

			u, err := v.Find(t.Context(), "john.smith@acme.test")
			assert.Equal(t, tc.findScope, missingScope(err), "Find by email: %v", err)
			if err == nil {
				assert.Equal(t, "U1", u.ID)
			}
			u, err = v.Get(t.Context(), "U1")
			assert.Equal(t, tc.getScope, missingScope(err))
			if err == nil {
				assert.Equal(t, tc.email, u.Email)
			}
			c, ok := v.Cached("U1")
			assert.Equal(t, tc.cachedFound, ok)
			assert.Equal(t, tc.email, c.Email)
			many := v.GetMany(t.Context(), []string{"U1", "U4"})
			assert.Equal(t, tc.people > 0, len(many) == 2)
			assert.Equal(t, tc.email, many["U1"].Email)
			if tc.access == AccessNone {
				assert.True(t, v.Ready(), "nothing to wait for")
				require.NoError(t, v.WaitReady(t.Context()))
				assert.Zero(t, v.Len())
				assert.Equal(t, "users:read", missingScope(v.Err()))
				_, err := v.Find(t.Context(), "jsmith")
				assert.Equal(t, "users:read", missingScope(err))
			} else {
				require.NoError(t, v.Err())
				u, err := v.Find(t.Context(), "@JSMITH")
				require.NoError(t, err)
				assert.Equal(t, tc.email, u.Email)
			}
		})
	}
}

// A name that is one person's hidden email and another's display name
// finds the second person in a view without emails.
func TestUsersViewFindSkipsHiddenEmailMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	full := NewUsers(e.api, e.opts())
	full.install([]User{
		{ID: "UA", Name: "alice", Email: "boss"},
		{ID: "UB", Name: "bob", DisplayName: "boss"},
	})
	u, err := full.Find(t.Context(), "boss")
	require.NoError(t, err)
	assert.Equal(t, "UA", u.ID, "email outranks display name")
	u, err = full.View(AccessNoEmail).Find(t.Context(), "boss")
	require.NoError(t, err)
	assert.Equal(t, "UB", u.ID)
	assert.Empty(t, u.Email)
}

type refusingSource struct{ UsersAPI }

func (refusingSource) SweepClient() (UsersAPI, error) { return nil, errors.New("no member may sweep") }

// A SweepSource that names no client stops the sweep before any call.
func TestUsersSweepSourceMayRefuse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(refusingSource{e.api}, e.opts())
	_, _, err := u.sweep(t.Context())
	require.ErrorContains(t, err, "no member may sweep")
	assert.Zero(t, e.calls("users.list"))
}
