package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// configError is a problem with the configuration found only once the
// store is open (a missing encryption key); run reports it like the
// errors of parseConfig, with exit code 2.
type configError struct{ error }

func (e configError) Unwrap() error { return e.error }

// resealStartBudget bounds the pass at start; what it does not reach is
// re-sealed as it is used, and by the next start or --reseal.
const resealStartBudget = time.Minute

// resealAtStart re-seals what an old key sealed and refuses to start when
// a key that sealed stored tokens is missing from SLACK_MCP_ENCRYPTION_KEY:
// then every call of those people would fail, so it is a configuration
// error now rather than an outage later.
func resealAtStart(ctx context.Context, oauth *slackoauth.Service, keys *seal.Keyring, log zerolog.Logger) error {
	pctx, cancel := context.WithTimeout(ctx, resealStartBudget)
	defer cancel()
	r, err := oauth.ResealAll(pctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			log.Warn().Str("report", r.String()).Msg("re-seal pass stopped at its time budget; the rest is re-sealed as it is used")
			return missingKeys(r, keys)
		}
		return fmt.Errorf("re-sealing stored tokens: %w", err)
	}
	ev := log.Debug()
	if r.Resealed > 0 || len(r.Unreadable) > 0 {
		ev = log.Info()
	}
	ev.Str("report", r.String()).Str("primary_key", keys.PrimaryID()).Msg("re-seal pass")
	for label, ids := range r.Unreadable {
		if r.Opened[label] > 0 {
			log.Error().Str("key_id", label).Strs("installations", ids).
				Msg("stored tokens no configured key opens (damaged rows?); these people must connect again")
		}
	}
	return missingKeys(r, keys)
}

func missingKeys(r slackoauth.ResealReport, keys *seal.Keyring) error {
	missing := r.MissingKeys()
	if len(missing) == 0 {
		return nil
	}
	n := 0
	for _, l := range missing {
		n += len(r.Unreadable[l])
	}
	return configError{fmt.Errorf("SLACK_MCP_ENCRYPTION_KEY: %d stored installation(s) are sealed under key ID(s) %s, which no configured key opens (configured: %s). "+
		"Keep the old key after the new one, e.g. SLACK_MCP_ENCRYPTION_KEY=\"k2:<new key>,k1:<old key>\", until `slack-mcp-server --reseal` reports nothing left under it",
		n, strings.Join(missing, ", "), strings.Join(keys.IDs(), ", "))}
}

// runReseal is `slack-mcp-server --reseal`: one pass over the store, a
// report on stdout, exit code 0 when every installation is readable.
func runReseal(ctx context.Context, cfg *config, log zerolog.Logger, stdout io.Writer) error {
	o := cfg.OAuth
	keys, st, err := openSealedStore(ctx, o, log, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	scopes := o.Scopes // not used by the pass; New wants some
	if len(scopes) == 0 {
		scopes = tools.Scopes(tools.Catalog())
	}
	oauth, err := slackoauth.New(slackoauth.Options{
		SlackURL: cfg.SlackURL, ClientID: o.ClientID, ClientSecret: o.Secret, RedirectURI: o.RedirectURI,
		UserScopes: scopes, PublicURL: o.PublicURL, Store: st, Keys: keys, Logger: log,
	})
	if err != nil {
		return err
	}
	r, err := oauth.ResealAll(ctx)
	if err != nil {
		return fmt.Errorf("re-sealing stored tokens: %w", err)
	}
	fmt.Fprintf(stdout, "re-seal under key %s: %s\n", keys.PrimaryID(), r)
	for label, ids := range r.Unreadable {
		fmt.Fprintf(stdout, "unreadable under key ID %s: %s\n", label, strings.Join(ids, " "))
	}
	return missingKeys(r, keys)
}

// openSealedStore parses the keyring and opens the token store of OAuth
// mode; the caller closes the store.
func openSealedStore(ctx context.Context, o oauthConfig, log zerolog.Logger, obs store.Observer) (*seal.Keyring, store.Backend, error) {
	keys, err := seal.ParseKeyring(o.EncryptionKey)
	if err != nil {
		return nil, nil, configError{fmt.Errorf("SLACK_MCP_ENCRYPTION_KEY: %w", err)}
	}
	if o.DatabaseURL != "" {
		st, err := store.OpenPostgres(ctx, o.DatabaseURL, store.Options{Logger: log, Observer: obs})
		if err != nil {
			return nil, nil, fmt.Errorf("token store (SLACK_MCP_DATABASE_URL): %w", err)
		}
		log.Info().Str("store", "postgres").Msg("token store: PostgreSQL")
		return keys, st, nil
	}
	st, err := store.OpenSQLite(ctx, o.StorePath, store.Options{Logger: log, Observer: obs})
	if err != nil {
		return nil, nil, fmt.Errorf("token store %s: %w", o.StorePath, err)
	}
	return keys, st, nil
}
