-- 0003: revoked token families (issue 7, finding 2).
-- Revoking a family used to update only the token rows that existed, so a
-- token issued a moment later in that family stayed valid. A family named
-- here is revoked for good: GetToken refuses its tokens and no token can
-- be created in it. The sweeper deletes a row once no token and no code of
-- the family is left (nothing can then be issued in it).

CREATE TABLE oauth_revoked_families (
    family_id  TEXT PRIMARY KEY,
    revoked_at {{BIGINT}} NOT NULL
);
