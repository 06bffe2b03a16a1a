-- 0011: when an MCP client last used an installation (issue 12), for the
-- connections page. Written when one of its access tokens is validated
-- (once per validation period, not per request).

CREATE TABLE client_uses (
    installation_id TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    last_used_at    {{BIGINT}} NOT NULL,
    PRIMARY KEY (installation_id, client_id)
);
