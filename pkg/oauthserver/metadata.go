package oauthserver

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// metadata is the RFC 8414 authorization server metadata document.
type metadata struct {
	Issuer                                 string   `json:"issuer"`
	AuthorizationEndpoint                  string   `json:"authorization_endpoint"`
	TokenEndpoint                          string   `json:"token_endpoint"`
	RegistrationEndpoint                   string   `json:"registration_endpoint"`
	RevocationEndpoint                     string   `json:"revocation_endpoint"`
	ScopesSupported                        []string `json:"scopes_supported"`
	ResponseTypesSupported                 []string `json:"response_types_supported"`
	ResponseModesSupported                 []string `json:"response_modes_supported"`
	GrantTypesSupported                    []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported      []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported          []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported      bool     `json:"client_id_metadata_document_supported"`
	AuthorizationResponseIssParameter      bool     `json:"authorization_response_iss_parameter_supported"`
}

// Metadata returns the authorization server metadata document.
func (s *Server) metadata() metadata {
	auth := []string{authNone, authPost, authBasic}
	return metadata{
		Issuer:                                 s.issuer,
		AuthorizationEndpoint:                  s.issuer + "/authorize",
		TokenEndpoint:                          s.issuer + "/token",
		RegistrationEndpoint:                   s.issuer + "/register",
		RevocationEndpoint:                     s.issuer + "/revoke",
		ScopesSupported:                        s.ScopesSupported(),
		ResponseTypesSupported:                 []string{"code"},
		ResponseModesSupported:                 []string{"query"},
		GrantTypesSupported:                    []string{"authorization_code", "refresh_token"},
		TokenEndpointAuthMethodsSupported:      auth,
		RevocationEndpointAuthMethodsSupported: slices.Clone(auth),
		CodeChallengeMethodsSupported:          []string{"S256"},
		ClientIDMetadataDocumentSupported:      true,
		AuthorizationResponseIssParameter:      true,
	}
}

func (s *Server) handleMetadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.metadata())
}

// canonicalResource maps an RFC 8707 resource indicator to the audience
// we store: our origin, origin/mcp or origin/sse (scheme and host
// case-insensitive, one trailing slash tolerated, no query or fragment).
// An empty indicator means our origin (clients older than 2025-06-18).
func (s *Server) canonicalResource(raw string) (string, bool) {
	if raw == "" {
		return s.issuer, true
	}
	if len(raw) > maxRedirectURILen || strings.ContainsAny(raw, "#?") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" || u.Host == "" {
		return "", false
	}
	p := u.EscapedPath()
	if p != "/" && strings.HasSuffix(p, "/") {
		p = strings.TrimSuffix(p, "/")
	}
	if p == "/" {
		p = ""
	}
	cand := strings.ToLower(u.Scheme) + "://" + canonicalHost(u.Scheme, u.Host) + p
	if slices.Contains(s.resources, cand) {
		return cand, true
	}
	// The narrowed endpoints (/mcp/readonly, /mcp/x/<toolsets>) are views
	// of /mcp: a client that names one gets a token for /mcp, whose
	// scopes, not the URL, bound what it may do.
	if mcp := s.issuer + "/mcp"; strings.HasPrefix(cand, mcp+"/") {
		return mcp, true
	}
	return "", false
}

// ourResource reports whether a stored audience is one of ours.
func (s *Server) ourResource(res string) bool { return slices.Contains(s.resources, res) }
