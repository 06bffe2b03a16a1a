package authn

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// MaxTokenBytes bounds a Bearer token; longer ones are refused unread.
const MaxTokenBytes = 4096

// DefaultRealm is the realm of the challenge when Options.Realm is empty.
const DefaultRealm = "slack-mcp-server"

// Reasons a request is refused. Authenticators return errors wrapping
// ErrInvalidToken or ErrRevokedToken (and may wrap ErrMissingToken); any
// other error means "could not decide" and becomes a 503.
var (
	// ErrMissingToken: no Bearer credentials were presented.
	ErrMissingToken = errors.New("authn: no bearer token")
	// ErrInvalidToken: the token is malformed, unknown or expired.
	ErrInvalidToken = errors.New("authn: invalid bearer token")
	// ErrRevokedToken: the token was valid once and has been revoked (or
	// the Slack account behind it deactivated).
	ErrRevokedToken = errors.New("authn: revoked bearer token")
	// ErrTokenInQuery: the token was sent as ?access_token=, which is
	// refused because URLs end up in logs and browser history.
	ErrTokenInQuery = errors.New("authn: bearer token in the query string")
)

// Authenticator says who a Bearer token belongs to. Errors must not
// contain the token.
type Authenticator interface {
	Authenticate(ctx context.Context, bearer string) (*tenant.Caller, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(ctx context.Context, bearer string) (*tenant.Caller, error)

// Authenticate implements Authenticator.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, bearer string) (*tenant.Caller, error) {
	return f(ctx, bearer)
}

// Options configure the middleware.
type Options struct {
	// Realm names the protection space in the challenge (default
	// DefaultRealm).
	Realm string
	// ResourceMetadataURL, when set, is announced in the challenge as
	// resource_metadata (RFC 9728), so MCP clients can discover the
	// authorization server.
	ResourceMetadataURL string
	// Scope, when set, is announced in 401 challenges as scope: the least
	// privilege a client should ask for first (tenant.ScopeRead).
	Scope string
	// Tool, when set, turns on scope step-up: POSTed JSON-RPC tools/call
	// requests of a caller whose grant is restricted (tenant.Caller.Scopes
	// not nil) are checked against it, and a call the grant does not
	// cover is answered 403 insufficient_scope. It reports whether the
	// named tool only reads and whether the catalog knows it; feed it from
	// the whole catalog (tools.Catalog), since unknown tools pass (the
	// server answers "tool not found" and runs nothing).
	Tool func(name string) (readOnly, known bool)
	// MaxPeekBytes caps the request body read to find the tools called
	// (default DefaultMaxPeekBytes); a restricted caller's larger body is
	// answered 413. Unrestricted callers' bodies are never read here.
	MaxPeekBytes int64
	// Logger receives one info line per rejection (reason and token
	// fingerprint) and a warning per 503; the zero value logs nothing.
	Logger zerolog.Logger
	// Skip lets requests through unauthenticated when it returns true
	// (for example /health and /oauth/*).
	Skip func(r *http.Request) bool
	// ValidationRate and ValidationBurst limit, per client address
	// (clientip.Of, counted by clientip.Bucket), the requests whose token
	// the Authenticator does not know yet (see Validated): each costs a
	// Slack call. Over the limit: 429, code RATE_LIMITED, Retry-After.
	// Zero turns the limit off.
	ValidationRate  rate.Limit
	ValidationBurst int
	// Now is the clock of the limit (default time.Now).
	Now func() time.Time
}

// The codes of the JSON error bodies.
const (
	CodeUnauthorized   = "UNAUTHORIZED"
	CodeInvalidToken   = "INVALID_TOKEN"
	CodeTokenRevoked   = "TOKEN_REVOKED"
	CodeInvalidRequest = "INVALID_REQUEST"
	CodeUnavailable    = "UNAVAILABLE"
	CodeInsufficient   = "INSUFFICIENT_SCOPE"
	CodeBodyTooLarge   = "BODY_TOO_LARGE"
)

// The sentences of the JSON error bodies. None contains request data.
const (
	msgNoHeader     = "missing Authorization header: send Authorization: Bearer <token>"
	msgWrongScheme  = "the Authorization header must use the Bearer scheme: Authorization: Bearer <token>"
	msgEmpty        = "the Bearer token is empty"
	msgManyHeaders  = "send exactly one Authorization header"
	msgTooLong      = "the Bearer token is longer than 4096 bytes"
	msgMalformed    = "the Bearer token contains characters a token cannot contain"
	msgInQuery      = "send the token in the Authorization header, never in the URL (access_token query parameter refused)"
	msgInvalid      = "the Bearer token is not valid: it is unknown, expired, or no longer accepted by Slack; connect your Slack account again to get a new token"
	msgRevoked      = "the Bearer token has been revoked; connect your Slack account again to get a new token"
	msgUnavailable  = "the token could not be validated because Slack is unreachable; retry shortly"
	retryAfterSecs  = "5"
	maxHeaderValues = 1
)

// reasonError is a parse failure: a sentinel plus the sentence the client
// sees.
type reasonError struct {
	kind error
	msg  string
}

func (e *reasonError) Error() string { return e.msg }
func (e *reasonError) Unwrap() error { return e.kind }

func reject(kind error, msg string) error { return &reasonError{kind: kind, msg: msg} }

// Refusal returns an error wrapping kind (ErrInvalidToken or
// ErrRevokedToken) whose sentence the client sees, in the JSON body and the
// challenge's error_description, instead of the generic one. An
// Authenticator uses it when the generic sentence would mislead (a Slack
// token where this server accepts only its own). msg must be a fixed
// sentence: no token, no request data, printable ASCII without quotes.
func Refusal(kind error, msg string) error { return reject(kind, msg) }

// publicMessage is the sentence of a Refusal in err's chain, or def.
func publicMessage(err error, def string) string {
	var re *reasonError
	if errors.As(err, &re) && re.msg != "" {
		return re.msg
	}
	return def
}

// ParseBearer extracts the token of one Authorization header value. The
// scheme is case-insensitive; the token must be a non-empty RFC 6750
// b64token of at most MaxTokenBytes. Errors wrap ErrMissingToken or
// ErrInvalidToken and never contain the header.
func ParseBearer(header string) (string, error) {
	h := strings.TrimSpace(header)
	if h == "" {
		return "", reject(ErrMissingToken, msgNoHeader)
	}
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", reject(ErrMissingToken, msgWrongScheme)
	}
	tok := strings.Trim(rest, " \t")
	switch {
	case tok == "":
		return "", reject(ErrMissingToken, msgEmpty)
	case len(tok) > MaxTokenBytes:
		return "", reject(ErrInvalidToken, msgTooLong)
	case !isB64Token(tok):
		return "", reject(ErrInvalidToken, msgMalformed)
	}
	return tok, nil
}

// isB64Token reports whether s matches RFC 6750's
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}

// BearerToken returns the request's Bearer token. A token in the query
// string is refused (ErrTokenInQuery) even when a header is present too.
func BearerToken(r *http.Request) (string, error) {
	for k := range r.URL.Query() {
		if strings.EqualFold(k, "access_token") {
			return "", reject(ErrTokenInQuery, msgInQuery)
		}
	}
	vals := r.Header.Values("Authorization")
	if len(vals) > maxHeaderValues {
		return "", reject(ErrInvalidToken, msgManyHeaders)
	}
	if len(vals) == 0 {
		return "", reject(ErrMissingToken, msgNoHeader)
	}
	return ParseBearer(vals[0])
}

// Fingerprint identifies a token in logs: the first 12 hex digits of its
// SHA-256 (the same as slackapi.Credentials.Fingerprint).
func Fingerprint(token string) string {
	return tenant.Fingerprint(token)
}

// Middleware authenticates every request not skipped by o.Skip and serves
// it with the caller in its context.
func Middleware(a Authenticator, o Options, next http.Handler) http.Handler {
	if o.Realm == "" {
		o.Realm = DefaultRealm
	}
	gate := newValidationGate(a, o)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.Skip != nil && o.Skip(r) {
			next.ServeHTTP(w, r)
			return
		}
		tok, err := BearerToken(r)
		if err != nil {
			o.refuse(w, r, "", err, err.Error())
			return
		}
		if !gate.allow(w, r, tok, &o) {
			return
		}
		c, err := a.Authenticate(r.Context(), tok)
		if err == nil && c == nil {
			err = errors.New("authn: authenticator returned no caller")
		}
		if err != nil {
			switch {
			case errors.Is(err, ErrRevokedToken):
				o.refuse(w, r, tok, ErrRevokedToken, publicMessage(err, msgRevoked))
			case errors.Is(err, ErrInvalidToken):
				o.refuse(w, r, tok, ErrInvalidToken, publicMessage(err, msgInvalid))
			case errors.Is(err, ErrMissingToken):
				o.refuse(w, r, tok, ErrMissingToken, msgEmpty)
			default:
				o.unavailable(w, r, tok, err)
			}
			return
		}
		if o.Tool != nil && !c.Allows(tenant.ScopeWrite) && !o.allowCalls(w, r, tok, c) {
			return
		}
		next.ServeHTTP(w, r.WithContext(tenant.With(r.Context(), c)))
	})
}

// refuse answers 401 (400 for a token in the URL) with the challenge.
func (o *Options) refuse(w http.ResponseWriter, r *http.Request, tok string, kind error, msg string) {
	status, code, rfcErr := http.StatusUnauthorized, CodeUnauthorized, ""
	switch {
	case errors.Is(kind, ErrTokenInQuery):
		status, code, rfcErr = http.StatusBadRequest, CodeInvalidRequest, "invalid_request"
	case errors.Is(kind, ErrRevokedToken):
		code, rfcErr = CodeTokenRevoked, "invalid_token"
	case errors.Is(kind, ErrInvalidToken):
		code, rfcErr = CodeInvalidToken, "invalid_token"
	}
	ev := o.Logger.Info().Ctx(r.Context()).Str("reason", code).Str("detail", msg).Str("path", r.URL.Path)
	if tok != "" {
		ev = ev.Str("token", Fingerprint(tok))
	}
	ev.Msg("request refused")
	w.Header().Set("WWW-Authenticate", o.challenge(o.Scope, rfcErr, msg))
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

func (o *Options) unavailable(w http.ResponseWriter, r *http.Request, tok string, err error) {
	if r.Context().Err() != nil {
		// The client went away; nobody reads the answer.
		o.Logger.Debug().Ctx(r.Context()).Str("token", Fingerprint(tok)).Msg("request cancelled during authentication")
	} else {
		o.Logger.Warn().Ctx(r.Context()).Err(err).Str("token", Fingerprint(tok)).Str("path", r.URL.Path).Msg("cannot validate token")
	}
	w.Header().Set("Retry-After", retryAfterSecs)
	writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: msgUnavailable, Code: CodeUnavailable})
}

// challenge builds the WWW-Authenticate value (RFC 6750 section 3; RFC 9728
// resource_metadata). rfcErr is "" when no token was presented. scope comes
// before error and error_description: some clients (the TypeScript SDK)
// find parameters by the first "name=" in the header.
func (o *Options) challenge(scope, rfcErr, desc string) string {
	var b strings.Builder
	b.WriteString(`Bearer realm=`)
	b.WriteString(quote(o.Realm))
	if o.ResourceMetadataURL != "" {
		b.WriteString(`, resource_metadata=`)
		b.WriteString(quote(o.ResourceMetadataURL))
	}
	if scope != "" {
		b.WriteString(`, scope=`)
		b.WriteString(quote(scope))
	}
	if rfcErr != "" {
		b.WriteString(`, error=`)
		b.WriteString(quote(rfcErr))
		b.WriteString(`, error_description=`)
		b.WriteString(quote(desc))
	}
	return b.String()
}

// quote makes an RFC 9110 quoted-string, dropping control characters.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	// Scope is the scope a 403 asks for (space-separated).
	Scope string `json:"scope,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, body errorBody) { httpjson.Write(w, status, body) }
