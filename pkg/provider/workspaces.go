package provider

import (
	"context"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

var _ tools.MultiWorkspace = (*Multi)(nil)

// Workspaces implements tools.MultiWorkspace: the installations the
// caller's token reaches (caller.Validator.Workspaces), its own first.
// The first has an empty ID: acting in it is acting as the token itself,
// with the session the token already has.
func (m *Multi) Workspaces(ctx context.Context) ([]tools.WorkspaceRef, error) {
	list, err := m.o.Validator.Workspaces(ctx)
	if err != nil || len(list) < 2 {
		return nil, err
	}
	refs := make([]tools.WorkspaceRef, len(list))
	for i, w := range list {
		refs[i] = tools.WorkspaceRef{ID: w.InstallationID, TeamID: w.TeamID, EnterpriseID: w.EnterpriseID, Name: w.Name}
	}
	refs[0].ID = ""
	return refs, nil
}

// In implements tools.MultiWorkspace: the caller of ctx acting in ref,
// under a caller key of its own (caller.KeyIn), so the workspace gets its
// own validation, session, caches and rate limits.
func (m *Multi) In(ctx context.Context, ref tools.WorkspaceRef) context.Context {
	c := tenant.From(ctx)
	if c == nil || c.Installation == ref.ID {
		return ctx
	}
	return tenant.With(ctx, caller.In(c, ref.ID))
}
