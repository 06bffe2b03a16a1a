package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Rows the AuthServer conformance tests build, and the helpers that race
// concurrent callers.

func client(id, kind string) store.Client {
	return store.Client{
		ID:           id,
		Kind:         kind,
		Name:         "Client " + id,
		RedirectURIs: []string{"http://127.0.0.1/callback", "cursor://anysphere.cursor-retrieval/oauth/callback"},
		AuthMethod:   "none",
		Metadata:     []byte(`{"client_name":"x"}`),
		CreatedAt:    t0,
	}
}

func normClient(c store.Client) store.Client {
	c.CreatedAt, c.ExpiresAt, c.LastUsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), ms(c.LastUsedAt)
	return c
}

func txn(id string) store.AuthTxn {
	return store.AuthTxn{
		IDHash:        id,
		ClientID:      "mcpc_1",
		RedirectURI:   "http://127.0.0.1:33418/callback",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		Scope:         "slack:read slack:write",
		Resource:      "https://mcp.example.com/mcp",
		ClientState:   "client-state-" + id,
		CSRFHash:      "csrf-" + id,
		NonceHash:     "nonce-" + id,
		CreatedAt:     t0,
		ExpiresAt:     t0.Add(10 * time.Minute),
	}
}

func normTxn(x store.AuthTxn) store.AuthTxn {
	x.CreatedAt, x.ExpiresAt = ms(x.CreatedAt), ms(x.ExpiresAt)
	return x
}

func code(hash, installationID string) store.AuthCode {
	return store.AuthCode{
		Hash:           hash,
		ClientID:       "mcpc_1",
		InstallationID: installationID,
		RedirectURI:    "http://127.0.0.1:33418/callback",
		CodeChallenge:  "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		Scope:          "slack:read",
		Resource:       "https://mcp.example.com/mcp",
		CreatedAt:      t0,
		ExpiresAt:      t0.Add(5 * time.Minute),
	}
}

func normCode(c store.AuthCode) store.AuthCode {
	c.CreatedAt, c.ExpiresAt, c.UsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), ms(c.UsedAt)
	return c
}

func token(hash, kind, family, installationID string) store.Token {
	ttl := time.Hour
	if kind == store.TokenRefresh {
		ttl = 30 * 24 * time.Hour
	}
	return store.Token{
		Hash:           hash,
		Kind:           kind,
		FamilyID:       family,
		ClientID:       "mcpc_1",
		InstallationID: installationID,
		Scope:          "slack:read",
		Resource:       "https://mcp.example.com/mcp",
		CreatedAt:      t0,
		ExpiresAt:      t0.Add(ttl),
	}
}

func normToken(x store.Token) store.Token {
	x.CreatedAt, x.ExpiresAt = ms(x.CreatedAt), ms(x.ExpiresAt)
	x.RevokedAt, x.RotatedAt = ms(x.RevokedAt), ms(x.RotatedAt)
	return x
}

func mustToken(t *testing.T, s store.AuthServerStore, tok store.Token) {
	t.Helper()
	require.NoError(t, s.CreateToken(context.Background(), tok))
}

// race runs fn in n goroutines released at once and reports every error
// it returns.
func race(t *testing.T, n int, fn func() error) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make(chan error, n)
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := fn(); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent call: %v", err)
	}
}

// expectErr is nil when err is want, and err otherwise.
func expectErr(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	return fmt.Errorf("want %v, got %w", want, err)
}
