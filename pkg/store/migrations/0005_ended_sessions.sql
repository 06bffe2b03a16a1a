-- 0005: MCP Streamable HTTP sessions ended by a DELETE (issue 10). Session
-- IDs carry no state, so this is the only record that one ended; kept in
-- the store, every replica refuses it. By the SHA-256 of the ID; swept a
-- day after (EndedSessionsKept). Named so that no table name followed by
-- another in SQLite's catalog reads like a token prefix ("...smcp_").

CREATE TABLE ended_mcp_sessions (
    id_hash  TEXT PRIMARY KEY,
    ended_at {{BIGINT}} NOT NULL
);
CREATE INDEX ended_mcp_sessions_ended_at ON ended_mcp_sessions (ended_at);
