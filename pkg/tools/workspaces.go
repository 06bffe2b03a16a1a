package tools

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// Several workspaces through one connection: a person who picked more
// than one workspace on the consent page names one with the workspace
// argument of any tool; without it the tool acts in the default (the
// first picked).

// WorkspaceArg is the argument that names the workspace a tool acts in.
const WorkspaceArg = "workspace"

// maxWorkspaceArg bounds the argument; team IDs, domains and names are
// far shorter.
const maxWorkspaceArg = 200

// WorkspaceRef is one workspace the caller reaches.
type WorkspaceRef struct {
	// ID is the provider's handle of it (the store's installation ID).
	ID           string
	TeamID       string
	EnterpriseID string
	Name         string
}

// MultiWorkspace is implemented by providers whose callers may reach
// several workspaces (pkg/provider.Multi in OAuth mode).
type MultiWorkspace interface {
	// Workspaces lists what the caller of ctx reaches, the default first;
	// fewer than two means the default alone.
	Workspaces(ctx context.Context) ([]WorkspaceRef, error)
	// In returns ctx acting in ref: Provider.Session then answers that
	// workspace's session.
	In(ctx context.Context, ref WorkspaceRef) context.Context
}

// workspaceArgSchema is the workspace argument's schema: short, as every
// tool of a caller with several workspaces carries it.
var workspaceArgSchema = map[string]any{
	"type":        "string",
	"description": "Only if you connected several workspaces: the team ID, domain or name of the one to use (default: your first).",
}

// WithWorkspaceArg returns def with the optional workspace argument added
// to its input schema (def's own schema is not touched): servers show it
// to callers who reach several workspaces.
func WithWorkspaceArg(def mcp.Tool) mcp.Tool {
	props := make(map[string]any, len(def.InputSchema.Properties)+1)
	for k, v := range def.InputSchema.Properties {
		props[k] = v
	}
	props[WorkspaceArg] = workspaceArgSchema
	def.InputSchema.Properties = props
	if def.InputSchema.PropertyOrder != nil {
		def.InputSchema.PropertyOrder = append(append([]string(nil), def.InputSchema.PropertyOrder...), WorkspaceArg)
	}
	return def
}

// Several reports whether the caller of ctx reaches more than one
// workspace.
func Several(ctx context.Context, p Provider) (bool, error) {
	mw, ok := p.(MultiWorkspace)
	if !ok {
		return false, nil
	}
	refs, err := mw.Workspaces(ctx)
	return len(refs) > 1, err
}

// InWorkspace returns ctx acting in the workspace arg names (team ID,
// enterprise ID of an org-wide install, domain or name, case-insensitive;
// "" is the default). A name that matches nothing, or several, is the
// model's to fix: the error lists what the caller reaches.
func InWorkspace(ctx context.Context, d *Deps, arg string) (context.Context, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return ctx, nil
	}
	ctx = context.WithValue(ctx, chosenKey{}, true)
	if len(arg) > maxWorkspaceArg {
		return nil, Inputf("workspace is longer than %d characters", maxWorkspaceArg)
	}
	var refs []WorkspaceRef
	mw, multi := d.Provider.(MultiWorkspace)
	if multi {
		var err error
		if refs, err = mw.Workspaces(ctx); err != nil {
			return nil, err
		}
	}
	if len(refs) < 2 {
		return ctx, oneWorkspace(ctx, d, arg)
	}
	domain := func(ref WorkspaceRef) string {
		s, err := d.Provider.Session(mw.In(ctx, ref))
		if err != nil || s.Client == nil {
			return ""
		}
		return workspaceDomain(s)
	}
	ref, err := matchWorkspace(refs, arg, domain)
	if err != nil {
		return nil, err
	}
	if ref.ID == refs[0].ID {
		return ctx, nil
	}
	return mw.In(ctx, ref), nil
}

// oneWorkspace accepts arg when it names the caller's only workspace.
func oneWorkspace(ctx context.Context, d *Deps, arg string) error {
	s, err := d.Provider.Session(ctx)
	if err != nil {
		return err
	}
	if s.Client == nil {
		return nil
	}
	id := s.Client.Identity
	ref := WorkspaceRef{TeamID: id.TeamID, EnterpriseID: id.EnterpriseID, Name: id.TeamName}
	domain := workspaceDomain(s)
	_, err = matchWorkspace([]WorkspaceRef{ref}, arg, func(WorkspaceRef) string { return domain })
	if err != nil {
		return Inputf("this connection reaches one workspace, %s; leave out workspace", describeRef(ref, domain))
	}
	return nil
}

// matchWorkspace finds the one workspace arg names: by team or
// enterprise ID, then by name, then by domain (which may cost a Slack
// call per workspace the first time, so it comes last).
func matchWorkspace(refs []WorkspaceRef, arg string, domain func(WorkspaceRef) string) (WorkspaceRef, error) {
	byID := func(r WorkspaceRef) bool {
		return strings.EqualFold(r.TeamID, arg) || r.TeamID == "" && strings.EqualFold(r.EnterpriseID, arg)
	}
	byName := func(r WorkspaceRef) bool { return r.Name != "" && strings.EqualFold(r.Name, arg) }
	want := normalizeDomain(arg)
	domains := map[string]string{}
	byDomain := func(r WorkspaceRef) bool {
		d, ok := domains[r.ID]
		if !ok {
			d = domain(r)
			domains[r.ID] = d
		}
		return d != "" && strings.EqualFold(d, want)
	}
	for _, match := range []func(WorkspaceRef) bool{byID, byName, byDomain} {
		var found []WorkspaceRef
		for _, r := range refs {
			if match(r) {
				found = append(found, r)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			continue
		}
		return WorkspaceRef{}, Inputf("workspace %q names several of your workspaces: %s; use a team ID", arg, listRefs(found, domains))
	}
	return WorkspaceRef{}, Inputf("workspace %q is not one this connection reaches; use one of: %s", arg, listRefs(refs, domains))
}

// normalizeDomain reduces "https://acme.slack.com/", "acme.slack.com" or
// "acme.slack-gov.com" to "acme".
func normalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Host
	}
	s = strings.TrimSuffix(s, "/")
	for _, suffix := range []string{".enterprise.slack.com", ".slack.com", ".slack-gov.com"} {
		if cut, ok := strings.CutSuffix(s, suffix); ok {
			return cut
		}
	}
	return s
}

// workspaceDomain is the session's workspace domain as the directory
// resources name it (WorkspaceName: "acme" of https://acme.slack.com/);
// "" when its URL has none (an emulator or proxy on an IP address).
func workspaceDomain(s *Session) string {
	if s.Client == nil {
		return ""
	}
	if d := WorkspaceName(s); d != s.Client.Identity.TeamID {
		return d
	}
	return ""
}

func listRefs(refs []WorkspaceRef, domains map[string]string) string {
	parts := make([]string, 0, len(refs))
	for _, r := range refs {
		parts = append(parts, describeRef(r, domains[r.ID]))
	}
	return strings.Join(parts, "; ")
}

func describeRef(r WorkspaceRef, domain string) string {
	id := r.TeamID
	if id == "" {
		id = r.EnterpriseID
	}
	s := r.Name
	if s == "" {
		s = id
	}
	extra := []string{id}
	if domain != "" {
		extra = append(extra, domain)
	}
	return s + " (" + strings.Join(extra, ", ") + ")"
}

// chosenKey marks a context whose tool call named its workspace: listings
// then cover that one alone.
type chosenKey struct{}

// inWorkspace is one workspace a listing covers.
type inWorkspace struct {
	ctx context.Context
	// label is what the Workspace column shows: the team ID (the
	// enterprise ID of an org-wide install), which the workspace argument
	// takes back.
	label string
}

// listingWorkspaces returns the workspaces a listing (channels_list,
// search) covers: every one the caller reaches when the call named none
// and there are several, else nil, meaning ctx's alone.
func listingWorkspaces(ctx context.Context, d *Deps) ([]inWorkspace, error) {
	if chosen, _ := ctx.Value(chosenKey{}).(bool); chosen {
		return nil, nil
	}
	mw, ok := d.Provider.(MultiWorkspace)
	if !ok {
		return nil, nil
	}
	refs, err := mw.Workspaces(ctx)
	if err != nil || len(refs) < 2 {
		return nil, err
	}
	out := make([]inWorkspace, len(refs))
	for i, r := range refs {
		label := r.TeamID
		if label == "" {
			label = r.EnterpriseID
		}
		out[i] = inWorkspace{ctx: mw.In(ctx, r), label: label}
	}
	return out, nil
}

// skippedNote says which workspaces a listing left out and why.
func skippedNote(skipped []string) string {
	return "some workspaces were left out of this listing: " + strings.Join(skipped, "; ") + ". Name one with the workspace argument to see its error alone."
}

// workspaceFailure is how a listing reports one workspace it could not
// cover: the model-facing message of err, or a generic one.
func workspaceFailure(label string, err error) string {
	var in *InputError
	if errors.As(err, &in) {
		return label + ": " + in.Msg
	}
	if msg, ok := slackapi.Explain(err); ok {
		return label + ": " + msg
	}
	return label + ": it could not be reached"
}
