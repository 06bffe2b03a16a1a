package oauthserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Issue 7, finding 2: parallel presentations of one refresh token (or one
// code) must never leave a working token once reuse was detected. The old
// code rotated (or redeemed) and issued in separate steps, and revoking
// the family touched only rows that existed, so a loser could revoke the
// family between the winner's rotation and its insert (2 of 200 runs).

const (
	raceRounds  = 200
	raceWorkers = 8
)

// raceStores are the backends the race tests run on: memory, and a
// SQLite file (separate read and write pools, as in production).
func raceStores(t *testing.T, c *clock) map[string]store.AuthServerStore {
	t.Helper()
	sq, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "race.db"), store.Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sq.Close() })
	return map[string]store.AuthServerStore{"mem": openStore(t, "mem", c), "sqlite-file": sq}
}

// raceServer is a Server on st (the harness supplies the Slack leg, which
// these tests never reach) with one public client and one installation.
func raceServer(t *testing.T, st store.AuthServerStore) (*Server, string, string) {
	t.Helper()
	h := newHarness(t, "mem", func(ho *hopts) { ho.mod = func(o *Options) { o.Store = st } })
	ctx := context.Background()
	clientID := "mcpc_race"
	require.NoError(t, st.PutClient(ctx, store.Client{ID: clientID, Kind: store.ClientDynamic, Name: "race",
		RedirectURIs: []string{clientRedirect}, AuthMethod: authNone}))
	in, err := st.UpsertInstallation(ctx, store.Installation{TeamID: testTeam, UserID: testUser,
		Scopes: readScopes, AccessToken: "sealed", InstalledAt: h.clock.Now()})
	require.NoError(t, err)
	return h.as, clientID, in.ID
}

// postToken calls the token endpoint in process and returns the status
// and the JSON answer.
func postToken(t *testing.T, s *Server, form url.Values) (int, map[string]any) {
	req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.handleToken(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Errorf("token answer is not JSON: %q", rec.Body.String())
	}
	return rec.Code, body
}

// raceRound presents form from raceWorkers goroutines at once and returns
// the successful answers and how many were refused with invalid_grant.
func raceRound(t *testing.T, s *Server, form url.Values) (wins []map[string]any, refused int) {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for range raceWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, body := postToken(t, s, form)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case status == http.StatusOK:
				wins = append(wins, body)
			case body["error"] == "invalid_grant":
				refused++
			default:
				t.Errorf("unexpected answer %d %v", status, body)
			}
		}()
	}
	close(start)
	wg.Wait()
	return wins, refused
}

// requireDead checks that no token a winner received still works.
func requireDead(t *testing.T, s *Server, round int, wins []map[string]any) {
	t.Helper()
	for _, w := range wins {
		for _, k := range []string{"access_token", "refresh_token"} {
			raw, _ := w[k].(string)
			_, err := s.o.Store.GetToken(context.Background(), s.tokenHash(raw), s.o.Now())
			require.ErrorIs(t, err, store.ErrNotFound, "round %d: the winner's %s survived reuse detection", round, k)
		}
	}
}

func TestRefreshReuseRace(t *testing.T) {
	t.Parallel()
	for name, st := range raceStores(t, newClock()) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, clientID, instID := raceServer(t, st)
			ctx := context.Background()
			for round := range raceRounds {
				rt := tenant.RefreshTokenPrefix + newRandom()
				family := fmt.Sprintf("race-family-%d", round)
				now := s.o.Now()
				require.NoError(t, st.CreateToken(ctx, store.Token{Hash: s.tokenHash(rt), Kind: store.TokenRefresh,
					FamilyID: family, ClientID: clientID, InstallationID: instID, Scope: ScopeRead,
					CreatedAt: now, ExpiresAt: now.Add(DefaultRefreshTTL)}))
				form := url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {rt}}
				wins, refused := raceRound(t, s, form)
				require.LessOrEqual(t, len(wins), 1, "round %d: one refresh token rotated twice", round)
				require.Equal(t, raceWorkers, len(wins)+refused)
				if refused > 0 {
					requireDead(t, s, round, wins)
				}
			}
		})
	}
}

func TestCodeReplayRace(t *testing.T) {
	t.Parallel()
	for name, st := range raceStores(t, newClock()) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, clientID, instID := raceServer(t, st)
			ctx := context.Background()
			for round := range raceRounds {
				code := newRandom()
				verifier, challenge := pkce()
				now := s.o.Now()
				require.NoError(t, st.CreateCode(ctx, store.AuthCode{Hash: sha256Hex(code), ClientID: clientID,
					InstallationID: instID, RedirectURI: clientRedirect, CodeChallenge: challenge, Scope: ScopeRead,
					CreatedAt: now, ExpiresAt: now.Add(DefaultCodeTTL)}))
				form := url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
					"code_verifier": {verifier}, "redirect_uri": {clientRedirect}}
				wins, refused := raceRound(t, s, form)
				require.LessOrEqual(t, len(wins), 1, "round %d: one code redeemed twice", round)
				require.Equal(t, raceWorkers, len(wins)+refused)
				if refused > 0 {
					requireDead(t, s, round, wins)
				}
			}
		})
	}
}
