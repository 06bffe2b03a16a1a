package oauthserver

import (
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func storeConsent(installationID, clientID, scope string) store.Consent {
	return store.Consent{InstallationID: installationID, ClientID: clientID, Scope: scope, RedirectURI: clientRedirect}
}

func storeToken(hash, installationID, clientID, resource string, now time.Time) store.Token {
	return store.Token{Hash: hash, Kind: store.TokenAccess, FamilyID: "fam-" + hash[:8], ClientID: clientID,
		InstallationID: installationID, Scope: ScopeRead, Resource: resource, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
}
