-- 0008: workspace policies (issue 12): an admin narrows which write tools
-- the people of one workspace may use, and where. rules is a JSON object
-- of setting name -> value, written like the environment settings it
-- narrows ("SLACK_MCP_ADD_MESSAGE_TOOL": "C1,C2"); read on every write
-- tool call, so a change applies at once on every replica.

CREATE TABLE workspace_policies (
    team_id    TEXT PRIMARY KEY,
    rules      TEXT NOT NULL,
    updated_at {{BIGINT}} NOT NULL,
    updated_by TEXT NOT NULL
);
