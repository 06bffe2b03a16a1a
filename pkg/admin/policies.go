package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// maxPolicyBody bounds a policy upload.
const maxPolicyBody = 16 << 10

// Policy is a workspace policy as the API shows it.
type Policy struct {
	TeamID    string            `json:"team_id"`
	Rules     map[string]string `json:"rules"`
	UpdatedAt string            `json:"updated_at"`
	UpdatedBy string            `json:"updated_by"`
}

func policyOut(p store.WorkspacePolicy) Policy {
	return Policy{TeamID: p.TeamID, Rules: p.Rules, UpdatedAt: stamp(p.UpdatedAt), UpdatedBy: p.UpdatedBy}
}

func (a *API) listPolicies(w http.ResponseWriter, r *http.Request, _ []string) {
	list, err := a.o.Store.ListWorkspacePolicies(r.Context())
	if err != nil {
		a.internal(w, r, "list policies", err)
		return
	}
	out := make([]Policy, 0, len(list))
	for _, p := range list {
		out = append(out, policyOut(p))
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"policies": out})
}

// policy serves GET, PUT and DELETE /api/admin/policies/{team}.
func (a *API) policy(w http.ResponseWriter, r *http.Request, parts []string, by string) {
	team := parts[1]
	if !isTeamID(team) {
		httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, "the path needs a workspace ID (T…)")
		return
	}
	switch r.Method {
	case http.MethodGet:
		p, err := a.o.Store.GetWorkspacePolicy(r.Context(), team)
		if errors.Is(err, store.ErrNotFound) {
			httpjson.Write(w, http.StatusOK, Policy{TeamID: team, Rules: map[string]string{}})
			return
		}
		if err != nil {
			a.internal(w, r, "get policy", err)
			return
		}
		httpjson.Write(w, http.StatusOK, policyOut(p))
	case http.MethodPut:
		var body struct {
			Rules map[string]string `json:"rules"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxPolicyBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, `send {"rules": {"SLACK_MCP_ADD_MESSAGE_TOOL": "C1,C2", ...}}: `+err.Error())
			return
		}
		if _, err := tools.ParseWorkspaceRules(body.Rules); err != nil {
			httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, err.Error())
			return
		}
		p := store.WorkspacePolicy{TeamID: team, Rules: body.Rules, UpdatedAt: a.o.Now(), UpdatedBy: by}
		if err := a.o.Store.PutWorkspacePolicy(r.Context(), p); err != nil {
			a.internal(w, r, "put policy", err)
			return
		}
		a.auditPolicy(r, team, by)
		httpjson.Write(w, http.StatusOK, policyOut(p))
	case http.MethodDelete:
		err := a.o.Store.DeleteWorkspacePolicy(r.Context(), team)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			a.internal(w, r, "delete policy", err)
			return
		}
		a.auditPolicy(r, team, by)
		httpjson.Write(w, http.StatusOK, map[string]any{"deleted": true, "team_id": team})
	}
}

func (a *API) auditPolicy(r *http.Request, team, by string) {
	if err := a.o.Store.AppendAudit(r.Context(), store.AuditEvent{At: a.o.Now(), Event: "policy_changed", TeamID: team,
		Outcome: "ok", Detail: "by " + by}); err != nil {
		a.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("admin: audit event not stored")
	}
}

// pagePolicy applies the page's policy forms: rules are "SETTING=value"
// lines.
func (a *API) pagePolicy(r *http.Request, by string) (string, bool) {
	team := strings.TrimSpace(r.PostForm.Get("team"))
	if !isTeamID(team) {
		return "Give a workspace ID (T…).", true
	}
	if r.PostForm.Get("action") == "delete_policy" {
		if err := a.o.Store.DeleteWorkspacePolicy(r.Context(), team); err != nil && !errors.Is(err, store.ErrNotFound) {
			a.o.Logger.Error().Ctx(r.Context()).Err(err).Msg("admin: delete policy")
			return "Removing the policy failed; please try again.", true
		}
		a.auditPolicy(r, team, by)
		return "Removed the policy of " + team + ": the server's settings apply alone.", false
	}
	rules := map[string]string{}
	for _, line := range strings.Split(r.PostForm.Get("rules"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Sprintf("%q is not SETTING=value.", clip(line)), true
		}
		rules[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if _, err := tools.ParseWorkspaceRules(rules); err != nil {
		return err.Error(), true
	}
	if err := a.o.Store.PutWorkspacePolicy(r.Context(), store.WorkspacePolicy{TeamID: team, Rules: rules, UpdatedAt: a.o.Now(), UpdatedBy: by}); err != nil {
		a.o.Logger.Error().Ctx(r.Context()).Err(err).Msg("admin: put policy")
		return "Saving the policy failed; please try again.", true
	}
	a.auditPolicy(r, team, by)
	return "Saved the policy of " + team + ".", false
}
