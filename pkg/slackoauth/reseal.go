package slackoauth

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Re-sealing after a key rotation. SLACK_MCP_ENCRYPTION_KEY lists the new
// key first and the old ones after it; every token sealed under an old key
// is sealed again under the new one, as it is used (resealOnUse) and by a
// pass over the whole store (ResealAll: at start in OAuth mode, and
// `slack-mcp-server --reseal`). Once the pass reports nothing left under
// an old key, that key can be removed.

// ResealReport is what a pass over the store found.
type ResealReport struct {
	// Checked is the number of active installations holding tokens.
	Checked int
	// Resealed were sealed again under the primary key.
	Resealed int
	// Moved changed while the pass ran (refreshed or revoked): they were
	// left alone, sealed under the primary key by whoever changed them.
	Moved int
	// Labels counts the installations by the key ID their access token
	// was labelled with before the pass.
	Labels map[string]int
	// Unreadable lists, by key ID label, the installations no configured
	// key opens.
	Unreadable map[string][]string
	// Opened counts, by label, the installations some configured key
	// opened; with Unreadable it tells a missing key (nothing under a
	// label opens) from a damaged row.
	Opened map[string]int
}

// MissingKeys returns the labels under which no installation could be
// opened by any configured key: a key that sealed them is missing from
// the keyring (a configuration error, not an outage).
func (r ResealReport) MissingKeys() []string {
	var out []string
	for label := range r.Unreadable {
		if r.Opened[label] == 0 {
			out = append(out, label)
		}
	}
	sort.Strings(out)
	return out
}

// String is a one-line summary for logs and the --reseal command.
func (r ResealReport) String() string {
	labels := make([]string, 0, len(r.Labels))
	for l, n := range r.Labels {
		labels = append(labels, fmt.Sprintf("%s=%d", l, n))
	}
	sort.Strings(labels)
	unreadable := 0
	for _, ids := range r.Unreadable {
		unreadable += len(ids)
	}
	return fmt.Sprintf("%d installations checked, %d re-sealed, %d changed meanwhile, %d unreadable; sealed before under: %s",
		r.Checked, r.Resealed, r.Moved, unreadable, strings.Join(labels, " "))
}

// resealPage is how many installations one store read returns.
const resealPage = 200

// ResealAll opens every active installation's tokens and seals those that
// any key but the primary opened (or that carry another label) again
// under the primary key. A row that no key opens is reported, not
// changed; a row refreshed or revoked meanwhile is left to whoever changed
// it. Only store errors (and ctx) stop the pass.
func (s *Service) ResealAll(ctx context.Context) (ResealReport, error) {
	r := ResealReport{Labels: map[string]int{}, Unreadable: map[string][]string{}, Opened: map[string]int{}}
	after := ""
	for {
		page, err := s.o.Store.SealedInstallations(ctx, after, resealPage)
		if err != nil {
			return r, err
		}
		if len(page) == 0 {
			return r, nil
		}
		for _, in := range page {
			after = in.ID
			r.Checked++
			label, _ := seal.KeyID(in.AccessToken)
			r.Labels[label]++
			switch done, err := s.reseal(ctx, in); {
			case errors.Is(err, store.ErrNotFound):
				r.Moved++
			case isSealError(err):
				r.Unreadable[label] = append(r.Unreadable[label], in.ID)
			case err != nil:
				return r, err
			default:
				r.Opened[label]++
				if done {
					r.Resealed++
				}
			}
		}
	}
}

func isSealError(err error) bool {
	return errors.Is(err, seal.ErrUnknownKey) || errors.Is(err, seal.ErrDecrypt) || errors.Is(err, seal.ErrMalformed)
}

// reseal seals in's tokens again under the primary key when either was
// opened by another key or carries another label. It reports whether it
// wrote; store.ErrNotFound when the row moved on meanwhile.
func (s *Service) reseal(ctx context.Context, in store.Installation) (bool, error) {
	aad := identityAAD(in)
	access, staleA, err := s.o.Keys.OpenStale(in.AccessToken, aad)
	if err != nil {
		return false, fmt.Errorf("slackoauth: open access token of installation %s: %w", in.ID, err)
	}
	defer clear(access)
	var refresh []byte
	staleR := false
	if in.RefreshToken != "" {
		if refresh, staleR, err = s.o.Keys.OpenStale(in.RefreshToken, aad); err != nil {
			return false, fmt.Errorf("slackoauth: open refresh token of installation %s: %w", in.ID, err)
		}
		defer clear(refresh)
	}
	if !staleA && !staleR {
		return false, nil
	}
	newAccess, err := s.o.Keys.Seal(access, aad)
	if err != nil {
		return false, err
	}
	newRefresh := ""
	if in.RefreshToken != "" {
		if newRefresh, err = s.o.Keys.Seal(refresh, aad); err != nil {
			return false, err
		}
	}
	if err := s.o.Store.ResealTokens(ctx, in.ID, in.AccessToken, in.RefreshToken, newAccess, newRefresh); err != nil {
		return false, err
	}
	return true, nil
}

// resealOnUse re-seals an installation whose tokens are labelled with an
// old key, after they were used; failures are logged, never the caller's
// problem (the pass at the next start catches what this misses).
func (s *Service) resealOnUse(ctx context.Context, in store.Installation) {
	primary := s.o.Keys.PrimaryID()
	if !s.o.Keys.NeedsReseal(in.AccessToken) && (in.RefreshToken == "" || !s.o.Keys.NeedsReseal(in.RefreshToken)) {
		return
	}
	done, err := s.reseal(ctx, in)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		s.o.Logger.Warn().Ctx(ctx).Err(err).Str("installation", in.ID).Msg("slackoauth: re-sealing tokens under the primary key")
	case done:
		s.o.Logger.Info().Ctx(ctx).Str("installation", in.ID).Str("key_id", primary).Msg("slackoauth: tokens re-sealed under the primary key")
	}
}
