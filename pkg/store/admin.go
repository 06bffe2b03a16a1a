package store

import (
	"context"
	"time"
)

// InstallationFilter selects installations for the operator's view; zero
// fields match everything.
type InstallationFilter struct {
	TeamID string
	Status string // active, revoked, or failed (active with a Failure)
	// UsedBefore and UsedSince bound LastUsedAt (never used counts as
	// before any time).
	UsedSince, UsedBefore time.Time
	Limit                 int
}

// Admin is what the operator's view reads beyond Store.
type Admin interface {
	// ListInstallations returns installations of every workspace, most
	// recently used first (never used last, then by ID).
	ListInstallations(ctx context.Context, f InstallationFilter) ([]Installation, error)
}

// WorkspacePolicy is an admin's narrowing of the write tools for one
// workspace: setting name -> value, as the environment settings take.
type WorkspacePolicy struct {
	TeamID    string
	Rules     map[string]string
	UpdatedAt time.Time
	UpdatedBy string // the admin's user ID, or "token"
}

// Policies stores workspace policies.
type Policies interface {
	// GetWorkspacePolicy returns the policy of teamID; ErrNotFound when it
	// has none.
	GetWorkspacePolicy(ctx context.Context, teamID string) (WorkspacePolicy, error)
	// PutWorkspacePolicy inserts or replaces a policy.
	PutWorkspacePolicy(ctx context.Context, p WorkspacePolicy) error
	// DeleteWorkspacePolicy removes it; ErrNotFound when there was none.
	DeleteWorkspacePolicy(ctx context.Context, teamID string) error
	// ListWorkspacePolicies returns every policy, by team ID.
	ListWorkspacePolicies(ctx context.Context) ([]WorkspacePolicy, error)
}

// Usage is a workspace's tool calls and Slack 429s over some days.
type Usage struct {
	TeamID                 string
	ToolCalls, RateLimited int64
}

// UsageDelta is what one replica counted for a workspace on a UTC day
// ("2006-01-02") since it last added.
type UsageDelta struct {
	TeamID, Day            string
	ToolCalls, RateLimited int64
}

// UsageLog adds and sums per-workspace usage.
type UsageLog interface {
	// AddUsage adds deltas to the stored counts, in one transaction.
	AddUsage(ctx context.Context, deltas []UsageDelta) error
	// ListUsage sums the counts of days from sinceDay on, per workspace,
	// most tool calls first.
	ListUsage(ctx context.Context, sinceDay string) ([]Usage, error)
}
