package oauthserver

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// The consent page's workspace picker. A browser signed in (browser
// session) to a person with two or more connected workspaces sees them as
// checkboxes, the signed-in one ticked: the application may use the ones
// ticked, the first ticked being the default. Approving with a default
// whose Slack grant already covers the scopes finishes here, without a
// trip to Slack (the person is signed in, as for a remembered consent);
// otherwise, or when they choose to connect another workspace, Slack is
// asked and the workspace signed in to there becomes the default, the
// ticked ones following it.

// workspaceOption is one checkbox of the picker.
type workspaceOption struct {
	ID, Name, TeamID, EnterpriseID string
	Checked                        bool
}

// pickable returns the active installations of the person this browser
// is signed in as, the signed-in one first; fewer than two means no
// picker.
func (s *Server) pickable(r *http.Request) ([]store.Installation, error) {
	if s.o.PersonInstallations == nil {
		return nil, nil
	}
	_, instID, ok, err := s.sessionInstallation(r)
	if err != nil || !ok {
		return nil, err
	}
	mine, err := s.o.PersonInstallations(r.Context(), instID)
	if err != nil {
		return nil, err
	}
	var out []store.Installation
	for _, in := range mine {
		if in.Status == store.StatusActive && in.AccessToken != "" {
			out = append(out, in)
		}
	}
	// The signed-in workspace first, the rest as the store lists them.
	slices.SortStableFunc(out, func(a, b store.Installation) int {
		switch {
		case a.ID == instID && b.ID != instID:
			return -1
		case b.ID == instID && a.ID != instID:
			return 1
		}
		return 0
	})
	if len(out) < 2 {
		return nil, nil
	}
	return out, nil
}

// workspaceOptions are the picker's checkboxes: the first ticked.
func workspaceOptions(list []store.Installation) []workspaceOption {
	out := make([]workspaceOption, len(list))
	for i, in := range list {
		name := in.TeamName
		if name == "" {
			name = in.TeamID
		}
		out[i] = workspaceOption{ID: in.ID, Name: name, TeamID: in.TeamID, EnterpriseID: in.EnterpriseID, Checked: i == 0}
	}
	return out
}

// errNotPickable is a posted workspace this browser's person does not
// hold: a tampered form.
var errNotPickable = errors.New("a chosen workspace is not one of yours")

// picked validates the workspace values of the consent form against the
// picker the person saw: in form order, without repeats. Without a
// picker (no session, one workspace) the values are ignored.
func (s *Server) picked(r *http.Request, values []string) ([]store.Installation, bool, error) {
	list, err := s.pickable(r)
	if err != nil || list == nil {
		return nil, false, err
	}
	var out []store.Installation
	for _, id := range values {
		i := slices.IndexFunc(list, func(in store.Installation) bool { return in.ID == id })
		if i < 0 {
			return nil, true, errNotPickable
		}
		if !slices.ContainsFunc(out, func(in store.Installation) bool { return in.ID == id }) {
			out = append(out, list[i])
		}
	}
	return out, true, nil
}

// approveHere finishes an approval without Slack: the chosen
// installations get the consent, the default the code. It reports false
// when Slack must be asked (the default's grant lacks Slack scopes).
func (s *Server) approveHere(w http.ResponseWriter, r *http.Request, txn store.AuthTxn, chosen []store.Installation) (bool, error) {
	scopes := splitScope(txn.Scope)
	if !covers(chosen[0].Scopes, s.slackScopes(scopes)) {
		return false, nil
	}
	ctx := r.Context()
	now := s.o.Now()
	ids := installationIDs(chosen)
	// Burn the transaction: this approval is single-use like any other.
	err := s.o.Store.SetTxnSlackState(ctx, txn.IDHash, sha256Hex(newRandom()), ids, now)
	if errors.Is(err, store.ErrAlreadyExists) || errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, http.StatusBadRequest, "Already answered", "This authorization request was already answered or expired. Start again from your application.")
		return true, nil
	} else if err != nil {
		return false, err
	}
	if err := s.consentIn(ctx, txn, ids, now); err != nil {
		return false, err
	}
	code, err := s.issueCode(ctx, txn.ClientID, ids[0], txn.RedirectURI, txn.CodeChallenge, txn.Scope, txn.Resource)
	if err != nil {
		return false, err
	}
	http.SetCookie(w, s.txnCookieFor(txn.IDHash, "", -1))
	def := chosen[0]
	who := store.AuditEvent{EnterpriseID: def.EnterpriseID, TeamID: def.TeamID, UserID: def.UserID, Detail: clientDetail(txn.ClientID)}
	who.Event, who.Outcome = "consent_granted", "ok"
	who.Detail += " workspaces=" + strconv.Itoa(len(ids))
	s.audit(r, who)
	s.loginCompleted(w, r, http.StatusSeeOther, who, txn, code, now)
	return true, nil
}

func installationIDs(list []store.Installation) []string {
	ids := make([]string, len(list))
	for i, in := range list {
		ids[i] = in.ID
	}
	return ids
}

// consentIn records the client's consent in each installation.
func (s *Server) consentIn(ctx context.Context, txn store.AuthTxn, ids []string, now time.Time) error {
	for _, id := range ids {
		if err := s.o.Store.PutConsent(ctx, store.Consent{
			InstallationID: id, ClientID: txn.ClientID, Scope: txn.Scope, RedirectURI: txn.RedirectURI, GrantedAt: now,
		}); err != nil {
			return err
		}
	}
	return nil
}

// consentPicked records, after the Slack callback signed the person in to
// signedIn, the client's consent in the other workspaces they ticked:
// only those the same person still holds, active.
func (s *Server) consentPicked(ctx context.Context, txn store.AuthTxn, signedIn string, now time.Time) error {
	if len(txn.Workspaces) == 0 || s.o.PersonInstallations == nil {
		return nil
	}
	mine, err := s.o.PersonInstallations(ctx, signedIn)
	if err != nil {
		return err
	}
	var ids []string
	for _, id := range txn.Workspaces {
		if id != signedIn && slices.ContainsFunc(mine, func(in store.Installation) bool {
			return in.ID == id && in.Status == store.StatusActive
		}) {
			ids = append(ids, id)
		}
	}
	return s.consentIn(ctx, txn, ids, now)
}
