-- 0001: OAuth mode token store.
-- Times are UTC unix milliseconds; NULL means "not set" (a zero time.Time).
-- Slack tokens are pkg/seal ciphertexts; personal access tokens are hashes.

CREATE TABLE pending_authorizations (
    state_hash TEXT PRIMARY KEY,
    nonce_hash TEXT NOT NULL,
    return_url TEXT NOT NULL,
    metadata   {{BLOB}},
    scopes     TEXT NOT NULL,          -- space-separated
    created_at {{BIGINT}} NOT NULL,
    expires_at {{BIGINT}} NOT NULL
);
CREATE INDEX pending_authorizations_expires_at ON pending_authorizations (expires_at);

CREATE TABLE installations (
    id                    TEXT PRIMARY KEY,
    enterprise_id         TEXT NOT NULL,  -- '' outside Enterprise Grid
    team_id               TEXT NOT NULL,  -- '' for org-wide Grid installs
    team_name             TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    is_enterprise_install {{BOOL}} NOT NULL,
    scopes                TEXT NOT NULL,  -- space-separated
    access_token          TEXT NOT NULL,  -- sealed, '' when none
    refresh_token         TEXT NOT NULL,  -- sealed, '' when none
    token_expires_at      {{BIGINT}},
    installed_at          {{BIGINT}} NOT NULL,
    last_used_at          {{BIGINT}},
    status                TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    revoked_at            {{BIGINT}},
    UNIQUE (enterprise_id, team_id, user_id),
    CHECK (team_id <> '' OR enterprise_id <> '')
);

CREATE TABLE personal_access_tokens (
    hash            TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL REFERENCES installations (id),
    created_at      {{BIGINT}} NOT NULL,
    last_used_at    {{BIGINT}},
    revoked_at      {{BIGINT}}
);
CREATE INDEX personal_access_tokens_installation ON personal_access_tokens (installation_id);

CREATE TABLE audit_events (
    id            {{SERIAL}},
    at            {{BIGINT}} NOT NULL,
    event         TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    team_id       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    tool          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    message_ts    TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    detail        TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_team ON audit_events (team_id, at, id);
CREATE INDEX audit_events_user ON audit_events (user_id, at, id);
CREATE INDEX audit_events_event ON audit_events (event, at, id);
