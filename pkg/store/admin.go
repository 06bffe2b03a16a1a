package store

import (
	"context"
	"time"
)

// InstallationFilter selects installations for the operator's view; zero
// fields match everything.
type InstallationFilter struct {
	TeamID string
	Status string // active or revoked
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
