-- 0006: Slack's 429 pushbacks shared between replicas (issue 10). Slack's
-- rate limits are per method, workspace and app, whatever the number of
-- replicas: a Retry-After one replica receives pauses the method for the
-- workspace on all of them. scope is "team:<id>", "ent:<id>" or
-- "token:<fingerprint>" (never a token); channel is '' but for methods
-- Slack limits per channel. Rows are swept an hour after they end.

CREATE TABLE slack_pauses (
    scope    TEXT NOT NULL,
    method   TEXT NOT NULL,
    channel  TEXT NOT NULL,
    until_at {{BIGINT}} NOT NULL,
    PRIMARY KEY (scope, method, channel)
);
CREATE INDEX slack_pauses_until ON slack_pauses (until_at);
