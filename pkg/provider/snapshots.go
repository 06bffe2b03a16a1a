package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// SealedSnapshots shares directory snapshots through the store, sealed
// with the keyring that seals Slack tokens (the key is bound as associated
// data, so a snapshot cannot be moved to another workspace's row): a copy
// of the database alone shows nobody's directory.
type SealedSnapshots struct {
	Store store.DirectorySnapshots
	Keys  *seal.Keyring
}

var _ workspace.SharedSnapshots = SealedSnapshots{}

// LoadSnapshot implements workspace.SharedSnapshots; a snapshot that does
// not open (a key rotated away) reads as none, so a sweep replaces it.
func (s SealedSnapshots) LoadSnapshot(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	sealed, at, ok, err := s.Store.LoadSnapshot(ctx, key)
	if err != nil || !ok {
		return nil, time.Time{}, false, err
	}
	data, err := s.Keys.Open(string(sealed), []byte("directory|"+key))
	if err != nil {
		return nil, time.Time{}, false, nil
	}
	return data, at, true, nil
}

// SaveSnapshot implements workspace.SharedSnapshots.
func (s SealedSnapshots) SaveSnapshot(ctx context.Context, key string, data []byte, takenAt time.Time) error {
	sealed, err := s.Keys.Seal(data, []byte("directory|"+key))
	if err != nil {
		return fmt.Errorf("provider: sealing the %s snapshot: %w", key, err)
	}
	return s.Store.SaveSnapshot(ctx, key, []byte(sealed), takenAt)
}

// ClaimSweep implements workspace.SharedSnapshots.
func (s SealedSnapshots) ClaimSweep(ctx context.Context, key, holder string, until time.Time) (bool, error) {
	return s.Store.ClaimSweep(ctx, key, holder, until)
}
