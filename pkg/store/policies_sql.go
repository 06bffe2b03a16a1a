package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// policyQueries are the statements of Policies, rebound at open.
type policyQueries struct {
	getPolicy, putPolicy, deletePolicy, listPolicies string
}

func newPolicyQueries(d dialect) policyQueries {
	r := d.rebind
	return policyQueries{
		getPolicy: r(`SELECT team_id, rules, updated_at, updated_by FROM workspace_policies WHERE team_id = ?`),
		putPolicy: r(`INSERT INTO workspace_policies (team_id, rules, updated_at, updated_by) VALUES (?, ?, ?, ?)` +
			d.upsert([]string{"team_id"}, "rules", "updated_at", "updated_by")),
		deletePolicy: r(`DELETE FROM workspace_policies WHERE team_id = ?`),
		listPolicies: r(`SELECT team_id, rules, updated_at, updated_by FROM workspace_policies ORDER BY team_id`),
	}
}

func scanPolicy(row interface{ Scan(...any) error }) (WorkspacePolicy, error) {
	var (
		p     WorkspacePolicy
		rules string
		at    int64
	)
	if err := row.Scan(&p.TeamID, &rules, &at, &p.UpdatedBy); err != nil {
		return WorkspacePolicy{}, err
	}
	if err := json.Unmarshal([]byte(rules), &p.Rules); err != nil {
		return WorkspacePolicy{}, fmt.Errorf("policy of %s: %w", p.TeamID, err)
	}
	p.UpdatedAt = time.UnixMilli(at).UTC()
	return p, nil
}

// GetWorkspacePolicy implements Policies.
func (s *sqlStore) GetWorkspacePolicy(ctx context.Context, teamID string) (WorkspacePolicy, error) {
	p, err := scanPolicy(s.r.QueryRowContext(ctx, s.q.getPolicy, teamID))
	return p, wrapGet("get workspace policy", err)
}

// PutWorkspacePolicy implements Policies. A zero UpdatedAt becomes now.
func (s *sqlStore) PutWorkspacePolicy(ctx context.Context, p WorkspacePolicy) error {
	if p.TeamID == "" {
		return errors.New("store: workspace policy needs a team ID")
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = s.now()
	}
	if p.Rules == nil {
		p.Rules = map[string]string{}
	}
	rules, err := json.Marshal(p.Rules)
	if err != nil {
		return fmt.Errorf("store: put workspace policy: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, s.q.putPolicy, p.TeamID, string(rules), millis(p.UpdatedAt), p.UpdatedBy); err != nil {
		return fmt.Errorf("store: put workspace policy: %w", err)
	}
	return nil
}

// DeleteWorkspacePolicy implements Policies.
func (s *sqlStore) DeleteWorkspacePolicy(ctx context.Context, teamID string) error {
	res, err := s.w.ExecContext(ctx, s.q.deletePolicy, teamID)
	return affected("delete workspace policy", res, err)
}

// ListWorkspacePolicies implements Policies.
func (s *sqlStore) ListWorkspacePolicies(ctx context.Context) ([]WorkspacePolicy, error) {
	rows, err := s.r.QueryContext(ctx, s.q.listPolicies)
	if err != nil {
		return nil, fmt.Errorf("store: list workspace policies: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []WorkspacePolicy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list workspace policies: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list workspace policies: %w", err)
	}
	return out, nil
}
