package oauthserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Client authentication methods at /token and /revoke.
const (
	authNone   = "none"
	authPost   = "client_secret_post"
	authBasic  = "client_secret_basic"
	maxNameLen = 200
)

// clientMetadata is the part of RFC 7591 client metadata we accept (and
// the CIMD document fields we read). Logos are never rendered; text
// fields are shown escaped.
type clientMetadata struct {
	ClientID                string   `json:"client_id,omitempty"` // CIMD only
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
	SoftwareID              string   `json:"software_id,omitempty"`
	SoftwareVersion         string   `json:"software_version,omitempty"`
	ApplicationType         string   `json:"application_type,omitempty"`
}

// registrationResponse is RFC 7591 §3.2.1's answer.
type registrationResponse struct {
	clientMetadata
	ClientIDIssuedAt      int64  `json:"client_id_issued_at"`
	ClientSecret          string `json:"client_secret,omitempty"`
	ClientSecretExpiresAt *int64 `json:"client_secret_expires_at,omitempty"`
}

// metadataError is an RFC 7591 §3.2.2 error.
type metadataError struct{ code, desc string }

func (e *metadataError) Error() string { return e.code + ": " + e.desc }

func badMetadata(format string, args ...any) *metadataError {
	return &metadataError{"invalid_client_metadata", fmt.Sprintf(format, args...)}
}

// validateMetadata normalizes m in place. cimd relaxes nothing but
// refuses secret-based authentication (a document cannot carry a secret
// we issued).
func validateMetadata(m *clientMetadata, cimd bool) *metadataError {
	if len(m.RedirectURIs) == 0 {
		return &metadataError{"invalid_redirect_uri", "redirect_uris is required"}
	}
	if len(m.RedirectURIs) > maxRedirectURIs {
		return &metadataError{"invalid_redirect_uri", fmt.Sprintf("at most %d redirect_uris", maxRedirectURIs)}
	}
	for _, ru := range m.RedirectURIs {
		if _, err := checkRedirectURI(ru); err != nil {
			return &metadataError{"invalid_redirect_uri", fmt.Sprintf("%.200q: %v", ru, err)}
		}
	}
	m.RedirectURIs = slices.Compact(slices.Clone(m.RedirectURIs))
	switch m.TokenEndpointAuthMethod {
	case "":
		if cimd {
			m.TokenEndpointAuthMethod = authNone
		} else {
			m.TokenEndpointAuthMethod = authBasic // RFC 7591 §2 default
		}
	case authNone:
	case authPost, authBasic:
		if cimd {
			return badMetadata("a client metadata document must use token_endpoint_auth_method none")
		}
	default:
		return badMetadata("token_endpoint_auth_method must be none, client_secret_post or client_secret_basic")
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range m.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return badMetadata("grant_types may contain only authorization_code and refresh_token")
		}
	}
	if !slices.Contains(m.GrantTypes, "authorization_code") {
		return badMetadata("grant_types must include authorization_code")
	}
	if len(m.ResponseTypes) == 0 {
		m.ResponseTypes = []string{"code"}
	}
	for _, rt := range m.ResponseTypes {
		if rt != "code" {
			return badMetadata("response_types may contain only code")
		}
	}
	if m.Scope != "" {
		// Clients ask for what they want; unknown scopes are dropped
		// rather than failing registration (TS SDK adds its own).
		var keep []string
		for f := range strings.FieldsSeq(m.Scope) {
			if (f == ScopeRead || f == ScopeWrite) && !slices.Contains(keep, f) {
				keep = append(keep, f)
			}
		}
		m.Scope = joinScope(keep)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"client_name", &m.ClientName}, {"software_id", &m.SoftwareID}, {"software_version", &m.SoftwareVersion}} {
		if err := checkText(*f.v); err != nil {
			return badMetadata("%s %v", f.name, err)
		}
	}
	if m.ClientURI != "" {
		if _, err := checkRedirectURI(m.ClientURI); err != nil || !strings.HasPrefix(m.ClientURI, "https://") {
			return badMetadata("client_uri must be an https URL")
		}
	}
	switch m.ApplicationType {
	case "", "web", "native":
	default:
		return badMetadata("application_type must be web or native")
	}
	return nil
}

// checkText accepts printable text only (names are shown, never
// interpreted).
func checkText(s string) error {
	if utf8.RuneCountInString(s) > maxNameLen {
		return fmt.Errorf("is longer than %d characters", maxNameLen)
	}
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return errors.New("must be printable text")
		}
	}
	return nil
}

// handleRegister serves POST /register (RFC 7591).
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "send the client metadata as application/json")
		return
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxRegistrationBytes)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeOAuthError(w, http.StatusRequestEntityTooLarge, "invalid_client_metadata", "client metadata is larger than 4 KB")
			return
		}
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "could not read the request body")
		return
	}
	var m clientMetadata
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(&m); err != nil || dec.More() {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "client metadata must be one JSON object")
		return
	}
	m.ClientID = ""
	if merr := validateMetadata(&m, false); merr != nil {
		s.audit(r, store.AuditEvent{Event: "client_registered", Outcome: merr.code})
		writeOAuthError(w, http.StatusBadRequest, merr.code, merr.desc)
		return
	}
	if ok, wait := s.allowNewClient(); !ok {
		s.audit(r, store.AuditEvent{Event: "client_registered", Outcome: "rate_limited"})
		refuseNewClient(w, wait)
		return
	}
	now := s.o.Now()
	id := ClientIDPrefix + newRandom()[:22] // 128+ bits
	resp := registrationResponse{clientMetadata: m, ClientIDIssuedAt: now.Unix()}
	resp.ClientID = id
	c := store.Client{
		ID:           id,
		Kind:         store.ClientDynamic,
		Name:         m.ClientName,
		RedirectURIs: m.RedirectURIs,
		AuthMethod:   m.TokenEndpointAuthMethod,
		// No LastUsedAt: "used" is recorded when the client gets a code or
		// a token, and clients never used are swept after a day.
		CreatedAt: now,
	}
	if m.TokenEndpointAuthMethod != authNone {
		resp.ClientSecret = "mcps_" + newRandom()
		var never int64
		resp.ClientSecretExpiresAt = &never
		c.SecretHash = sha256Hex(resp.ClientSecret)
	}
	meta, err := json.Marshal(m)
	if err != nil {
		s.internal(w, r, "register: marshal metadata", err)
		return
	}
	c.Metadata = meta
	if err := s.o.Store.PutClient(r.Context(), c); err != nil {
		s.internal(w, r, "register: put client", err)
		return
	}
	s.audit(r, store.AuditEvent{Event: "client_registered", Outcome: "ok",
		Detail: clientDetail(id) + " auth=" + c.AuthMethod})
	writeJSON(w, http.StatusCreated, resp)
}
