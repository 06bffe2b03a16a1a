-- 0002: MCP authorization server (store.AuthServer).
-- Same conventions as 0001: times are UTC unix milliseconds, NULL means
-- "not set". Every secret we issue (transaction IDs, CSRF values, codes,
-- tokens, client secrets, browser session cookies) is stored as its hash.
-- Rows that grant access (codes, tokens, consents, browser sessions)
-- reference the installation they were built on and go with it.

CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,       -- mcpc_... (DCR) or the CIMD URL
    kind          TEXT NOT NULL CHECK (kind IN ('dcr', 'cimd', 'static')),
    name          TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,          -- JSON array of strings
    auth_method   TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,          -- '' for public clients
    metadata      {{BLOB}},
    created_at    {{BIGINT}} NOT NULL,
    expires_at    {{BIGINT}},
    last_used_at  {{BIGINT}}
);
CREATE INDEX oauth_clients_kind ON oauth_clients (kind, last_used_at);

CREATE TABLE oauth_txns (
    id_hash          TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL,
    redirect_uri     TEXT NOT NULL,
    code_challenge   TEXT NOT NULL,
    scope            TEXT NOT NULL,
    resource         TEXT NOT NULL,
    client_state     TEXT NOT NULL,
    slack_state_hash TEXT UNIQUE,         -- NULL until consent
    csrf_hash        TEXT NOT NULL,
    nonce_hash       TEXT NOT NULL,
    created_at       {{BIGINT}} NOT NULL,
    expires_at       {{BIGINT}} NOT NULL
);
CREATE INDEX oauth_txns_expires_at ON oauth_txns (expires_at);
CREATE INDEX oauth_txns_client ON oauth_txns (client_id);

CREATE TABLE oauth_codes (
    hash            TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT NOT NULL,
    scope           TEXT NOT NULL,
    resource        TEXT NOT NULL,
    created_at      {{BIGINT}} NOT NULL,
    expires_at      {{BIGINT}} NOT NULL,
    used_at         {{BIGINT}}
);
CREATE INDEX oauth_codes_installation ON oauth_codes (installation_id);
CREATE INDEX oauth_codes_client ON oauth_codes (client_id);
CREATE INDEX oauth_codes_expires_at ON oauth_codes (expires_at);

CREATE TABLE oauth_tokens (
    hash            TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    family_id       TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    scope           TEXT NOT NULL,
    resource        TEXT NOT NULL,
    created_at      {{BIGINT}} NOT NULL,
    expires_at      {{BIGINT}} NOT NULL,
    revoked_at      {{BIGINT}},
    rotated_at      {{BIGINT}}
);
CREATE INDEX oauth_tokens_family ON oauth_tokens (family_id);
CREATE INDEX oauth_tokens_installation ON oauth_tokens (installation_id);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);
CREATE INDEX oauth_tokens_expires_at ON oauth_tokens (expires_at);

CREATE TABLE oauth_consents (
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    client_id       TEXT NOT NULL,
    scope           TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    granted_at      {{BIGINT}} NOT NULL,
    revoked_at      {{BIGINT}},
    PRIMARY KEY (installation_id, client_id)
);
CREATE INDEX oauth_consents_client ON oauth_consents (client_id);

CREATE TABLE browser_sessions (
    hash            TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    created_at      {{BIGINT}} NOT NULL,
    expires_at      {{BIGINT}} NOT NULL
);
CREATE INDEX browser_sessions_installation ON browser_sessions (installation_id);
CREATE INDEX browser_sessions_expires_at ON browser_sessions (expires_at);
