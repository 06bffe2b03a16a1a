package tools

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

var testRefs = []WorkspaceRef{
	{ID: "", TeamID: "T0ACME", Name: "Acme"},
	{ID: "i2", TeamID: "T0GOV", Name: "Acme Gov"},
	{ID: "i3", EnterpriseID: "E0GRID", Name: "Grid Org"}, // an org-wide install
	{ID: "i4", TeamID: "T0TWIN1", Name: "Twins"},
	{ID: "i5", TeamID: "T0TWIN2", Name: "twins"},
}

var testDomains = map[string]string{"": "acme", "i2": "acme-gov", "i3": "grid", "i4": "twins-one", "i5": "twins-two"}

func TestMatchWorkspace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arg, want, err string
	}{
		{arg: "T0GOV", want: "i2"},
		{arg: "t0gov", want: "i2"},
		{arg: "E0GRID", want: "i3"},
		{arg: "acme gov", want: "i2"},
		{arg: "Acme", want: ""},
		{arg: "acme-gov", want: "i2"},
		{arg: "acme-gov.slack-gov.com", want: "i2"},
		{arg: "https://grid.enterprise.slack.com/", want: "i3"},
		{arg: "twins-two.slack.com", want: "i5"},
		{arg: "T0TWIN1", want: "i4"},
		{arg: "Twins", err: `workspace "Twins" names several of your workspaces: Twins (T0TWIN1); twins (T0TWIN2); use a team ID`},
		{arg: "nowhere", err: `workspace "nowhere" is not one this connection reaches; use one of: Acme (T0ACME, acme); Acme Gov (T0GOV, acme-gov); Grid Org (E0GRID, grid)`},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			t.Parallel()
			asked := 0
			got, err := matchWorkspace(testRefs, tc.arg, func(r WorkspaceRef) string { asked++; return testDomains[r.ID] })
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.ID)
			if strings.HasPrefix(tc.arg, "T0") || strings.HasPrefix(tc.arg, "t0") || strings.HasPrefix(tc.arg, "E0") {
				assert.Zero(t, asked, "an ID costs no domain lookup")
			}
		})
	}
}

// A workspace's domain is the name its directory resources go by
// (WorkspaceName), and nothing when its URL has none.
func TestWorkspaceDomain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://acme.slack.com/":             "acme",
		"https://acme-gov.slack-gov.com/":     "acme-gov",
		"https://grid.enterprise.slack.com/":  "grid",
		"http://127.0.0.1:4000/":              "",
		"":                                    "",
		"::not a url":                         "",
		"https://proxy.example.com/slack/api": "proxy", // as its resources are named: slack://proxy/channels
	} {
		s := &Session{Client: &slackapi.Client{Identity: slackapi.Identity{TeamID: "T0ACME", URL: in}}}
		assert.Equal(t, want, workspaceDomain(s), in)
	}
	assert.Empty(t, workspaceDomain(&Session{}))
}

// The workspace argument is model input: any string gives a match or an
// input error, never a panic, and an error names what would work.
func FuzzMatchWorkspace(f *testing.F) {
	for _, s := range []string{"T0GOV", "acme", "https://acme.slack.com/", "Twins", "", "\x00", "%zz", "a.slack.com.slack.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		ref, err := matchWorkspace(testRefs, arg, func(r WorkspaceRef) string { return testDomains[r.ID] })
		if err != nil {
			var in *InputError
			require.ErrorAs(t, err, &in)
			require.Regexp(t, `\((T0|E0)`, in.Msg, "the error names workspaces that would work")
			return
		}
		require.Contains(t, testRefs, ref)
	})
}

func TestInWorkspaceRefusesALongArgument(t *testing.T) {
	t.Parallel()
	_, err := InWorkspace(context.Background(), &Deps{}, strings.Repeat("a", maxWorkspaceArg+1))
	var in *InputError
	require.ErrorAs(t, err, &in)
	assert.Contains(t, in.Msg, "workspace is longer than 200 characters")
	ctx := context.Background()
	got, err := InWorkspace(ctx, &Deps{}, "  ")
	require.NoError(t, err, "blank is the default")
	assert.Equal(t, ctx, got)
}
