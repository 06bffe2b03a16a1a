package slackemu

// RevokeUserTokens revokes every user token of userID, access and refresh
// tokens alike, as Slack does when the person removes the app from their
// account or an admin revokes its tokens: later calls with an access
// token answer token_revoked, a refresh answers invalid_refresh_token.
// It returns how many access tokens it revoked.
func (w *Workspace) RevokeUserTokens(userID string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for tok, t := range w.tokens {
		if t.UserID == userID && t.Kind == UserToken {
			delete(w.tokens, tok)
			w.revoked[tok] = struct{}{}
			n++
		}
	}
	for rt, g := range w.refresh {
		if g.userID == userID && g.kind == UserToken {
			delete(w.refresh, rt)
		}
	}
	return n
}
