-- 0010: workspace usage (issue 12): tool calls and Slack 429s per
-- workspace and UTC day, for the admin page. Each replica counts in
-- memory and adds its counts every minute, so the totals cover every
-- replica at a write a minute each.

CREATE TABLE workspace_usage (
    team_id      TEXT NOT NULL,
    day          TEXT NOT NULL,
    tool_calls   {{BIGINT}} NOT NULL,
    rate_limited {{BIGINT}} NOT NULL,
    PRIMARY KEY (team_id, day)
);
