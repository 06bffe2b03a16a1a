package resource

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// WellKnownPath is the root Protected Resource Metadata path (RFC 9728
// section 3); the path-aware form appends the endpoint ("/mcp").
const WellKnownPath = "/.well-known/oauth-protected-resource"

// DefaultResourceName is the resource_name of the documents when
// Options.ResourceName is empty.
const DefaultResourceName = "Slack MCP Server"

// Options describe the protected resource.
type Options struct {
	// PublicURL is the origin clients reach the server at
	// ("https://mcp.example.com"), without a path; a trailing slash is
	// ignored. It is the root resource identifier and the authorization
	// server's issuer.
	PublicURL string
	// ScopesSupported are announced as scopes_supported (default
	// tenant.ScopeRead and tenant.ScopeWrite). Never offline_access.
	ScopesSupported []string
	// Endpoints are the MCP endpoint paths ("/mcp", "/sse"); each gets a
	// path-aware document. Empty serves the root document only.
	Endpoints []string
	// ResourceName is the human-readable resource_name (default
	// DefaultResourceName).
	ResourceName string
}

// Metadata is the RFC 9728 document this package serves.
type Metadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name,omitempty"`
}

// Validate reports every problem of o at once.
func (o Options) Validate() error {
	var errs []error
	if _, err := origin(o.PublicURL); err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	for _, ep := range o.Endpoints {
		p := endpointPath(ep)
		switch {
		case p == "":
			errs = append(errs, fmt.Errorf("resource: endpoint %q must be a path such as /mcp", ep))
		case strings.ContainsAny(p, "?#{} \t") || strings.Contains(p, "//") || strings.Contains(p, ".."):
			errs = append(errs, fmt.Errorf("resource: endpoint %q is not a plain path", ep))
		case seen[p]:
			errs = append(errs, fmt.Errorf("resource: endpoint %q listed twice", ep))
		}
		seen[p] = true
	}
	for _, s := range o.ScopesSupported {
		if s == "" || strings.ContainsAny(s, " \"\\") {
			errs = append(errs, fmt.Errorf("resource: scope %q is not a valid scope token", s))
		}
		if s == "offline_access" {
			errs = append(errs, errors.New("resource: offline_access does not belong in scopes_supported"))
		}
	}
	return errors.Join(errs...)
}

// origin returns the canonical form of a public URL that must be an
// origin: http(s), a host, no path, query, fragment or user info.
func origin(publicURL string) (string, error) {
	raw := strings.TrimRight(strings.TrimSpace(publicURL), "/")
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "", errors.New("resource: the public URL is required")
	case err != nil:
		return "", fmt.Errorf("resource: the public URL is not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("resource: the public URL %q must use https (or http on loopback)", raw)
	case u.Host == "":
		return "", fmt.Errorf("resource: the public URL %q has no host", raw)
	case u.User != nil, u.RawQuery != "", u.Fragment != "", u.ForceQuery, strings.HasSuffix(raw, "#"):
		return "", fmt.Errorf("resource: the public URL %q must not carry user info, a query or a fragment", raw)
	case u.Path != "":
		return "", fmt.Errorf("resource: the public URL %q must be an origin without a path", raw)
	}
	return Canonical(raw), nil
}

// endpointPath normalises "/mcp", "mcp" and "/mcp/" to "/mcp"; "" and "/"
// give "".
func endpointPath(ep string) string {
	p := strings.Trim(strings.TrimSpace(ep), "/")
	if p == "" {
		return ""
	}
	return "/" + p
}

// base is PublicURL without a trailing slash, canonical when it parses.
func base(publicURL string) string {
	if o, err := origin(publicURL); err == nil {
		return o
	}
	return strings.TrimRight(strings.TrimSpace(publicURL), "/")
}

// MetadataURL is the URL of the document describing endpoint ("/mcp"):
// the path-aware form, or the root document when endpoint is "" or "/".
// The Bearer middleware announces it as resource_metadata.
func MetadataURL(publicURL, endpoint string) string {
	return base(publicURL) + WellKnownPath + endpointPath(endpoint)
}

// Identifiers are the resource URIs (RFC 8707) this server answers to:
// PublicURL and PublicURL+endpoint for every endpoint, canonical. An
// access token bound to any of them is valid here.
func Identifiers(publicURL string, endpoints []string) []string {
	b := base(publicURL)
	ids := []string{b}
	for _, ep := range endpoints {
		if p := endpointPath(ep); p != "" {
			ids = append(ids, b+p)
		}
	}
	return ids
}

// Canonical normalises a resource URI for comparison: scheme and host in
// lower case, default ports, fragments and a trailing slash dropped. A
// string that does not parse as an absolute URL is returned trimmed.
func Canonical(uri string) string {
	s := strings.TrimSpace(uri)
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		u.Host = strings.TrimSuffix(u.Host, ":"+p)
	}
	u.Fragment, u.RawFragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// Match reports whether resource names one of ids (compared in canonical
// form).
func Match(ids []string, resource string) bool {
	want := Canonical(resource)
	if want == "" {
		return false
	}
	for _, id := range ids {
		if Canonical(id) == want {
			return true
		}
	}
	return false
}

// Documents returns the metadata by the path it is served at.
func Documents(o Options) map[string]Metadata {
	b := base(o.PublicURL)
	scopes := o.ScopesSupported
	if len(scopes) == 0 {
		scopes = []string{tenant.ScopeRead, tenant.ScopeWrite}
	}
	name := o.ResourceName
	if name == "" {
		name = DefaultResourceName
	}
	doc := func(resource string) Metadata {
		return Metadata{
			Resource:               resource,
			AuthorizationServers:   []string{b},
			ScopesSupported:        append([]string(nil), scopes...),
			BearerMethodsSupported: []string{"header"},
			ResourceName:           name,
		}
	}
	docs := map[string]Metadata{WellKnownPath: doc(b)}
	for _, ep := range o.Endpoints {
		if p := endpointPath(ep); p != "" {
			docs[WellKnownPath+p] = doc(b + p)
		}
	}
	return docs
}

// Routes returns the metadata handlers by mux pattern (exact paths), for
// transport.Options.Routes. They answer GET and HEAD with the JSON
// document, OPTIONS (CORS preflight) with 204, anything else with 405.
// Call Options.Validate first.
func Routes(o Options) map[string]http.Handler {
	routes := map[string]http.Handler{}
	for path, md := range Documents(o) {
		routes[path] = metadataHandler(md)
	}
	return routes
}

// The CORS headers of the documents. MCP-Protocol-Version is listed
// because the TypeScript SDK sends it; without it the preflight fails and
// the SDK has to retry without headers.
const (
	allowMethods = "GET, HEAD, OPTIONS"
	allowHeaders = "Authorization, Content-Type, MCP-Protocol-Version"
)

func metadataHandler(md Metadata) http.Handler {
	body, err := json.Marshal(md)
	if err != nil {
		// Metadata holds only strings; Marshal cannot fail.
		panic(fmt.Sprintf("resource: encoding metadata: %v", err))
	}
	body = append(body, '\n')
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", allowMethods)
		h.Set("Access-Control-Allow-Headers", allowHeaders)
		h.Set("X-Content-Type-Options", "nosniff")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodOptions:
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			h.Set("Allow", allowMethods)
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "the protected resource metadata is read with GET")
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	})
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	httpjson.Write(w, status, map[string]string{"error": msg, "code": code})
}
