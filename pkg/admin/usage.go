package admin

import (
	"net/http"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
)

// UsageRow is one workspace's tool calls and Slack 429s.
type UsageRow struct {
	TeamID      string `json:"team_id"`
	ToolCalls   int64  `json:"tool_calls"`
	RateLimited int64  `json:"rate_limited" jsonschema:"Slack 429 answers"`
}

// usageSince is the first day counted: ?since= or a week ago (UTC days).
func (a *API) usageSince(r *http.Request) (string, error) {
	since, err := a.timeParam(r, "since")
	if err != nil {
		return "", err
	}
	if since.IsZero() {
		since = a.o.Now().Add(-funnelWindow)
	}
	return since.UTC().Format(time.DateOnly), nil
}

func (a *API) usageRows(r *http.Request, since string) ([]UsageRow, error) {
	list, err := a.o.Store.ListUsage(r.Context(), since)
	if err != nil {
		return nil, err
	}
	out := make([]UsageRow, 0, len(list))
	for _, u := range list {
		out = append(out, UsageRow{TeamID: u.TeamID, ToolCalls: u.ToolCalls, RateLimited: u.RateLimited})
	}
	return out, nil
}

func (a *API) usage(w http.ResponseWriter, r *http.Request, _ []string) {
	since, err := a.usageSince(r)
	if err != nil {
		httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	rows, err := a.usageRows(r, since)
	if err != nil {
		a.internal(w, r, "usage", err)
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"since": since, "workspaces": rows})
}
