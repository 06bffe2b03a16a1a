package transport

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/requestid"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tracing"
)

// Kinds of transport.
const (
	Stdio = "stdio"
	SSE   = "sse"
	HTTP  = "http"
)

// Options configure serving.
type Options struct {
	Transport string
	// Addr is host:port for SSE and HTTP.
	Addr string
	// Listener, when set, is used instead of listening on Addr (tests).
	Listener net.Listener
	// APIKey, when set, is required as "Authorization: Bearer <key>" on
	// every SSE and HTTP request but /health and /readyz.
	APIKey string
	// Health returns the body of GET /health.
	Health func() any
	// Stdin and Stdout for the stdio transport.
	Stdin  io.Reader
	Stdout io.Writer
	// ShutdownTimeout bounds how long in-flight calls may finish; default 10s.
	ShutdownTimeout time.Duration
	// MaxBodyBytes caps request bodies; default 4 MiB.
	MaxBodyBytes int64
	// ReadTimeout bounds how long a request's headers and body may take to
	// arrive, so slow senders cannot hold connections; default 30s. The
	// long-lived streams (GET /sse, GET /mcp) are not cut: net/http lifts
	// the read deadline once a body has been read to its end, and a GET
	// has none. Responses are not bounded (tool calls may take long).
	ReadTimeout time.Duration
	Logger      zerolog.Logger
	// OnListen is called with the bound address once serving (tests, logs).
	OnListen func(addr string)
	// Routes are extra handlers by mux pattern, e.g. "/oauth/"; they are
	// not behind Authenticate.
	Routes map[string]http.Handler
	// OpenPrefixes are path prefixes that SLACK_MCP_API_KEY does not guard
	// (besides /health): routes that need no key because they only say
	// something public, such as "/oauth/" answering that OAuth mode is off.
	OpenPrefixes []string
	// Authenticate, when set, guards the MCP endpoints (multi-tenant mode):
	// it answers 401 itself or puts the caller into the request context.
	Authenticate func(http.Handler) http.Handler
	// AllowedHosts are Host header values (host or host:port) accepted on
	// loopback connections besides localhost, for a reverse proxy on the
	// same machine that keeps the public Host header. Origins on these
	// hosts are accepted too.
	AllowedHosts []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client for rate limits and audit logs (clientip.Of); from anyone
	// else the header is ignored.
	TrustedProxies clientip.Proxies
	// AllowedOrigins are browser origins ("https://app.example.com", or
	// "*") accepted on the MCP endpoints besides loopback ones.
	AllowedOrigins []string
	// SessionSecret keys the binding of MCP session IDs to their callers;
	// replicas given the same one accept each other's sessions. Empty: a
	// random secret of this process (sessions end with it).
	SessionSecret []byte
	// EndedSessions records sessions ended by a DELETE; replicas sharing
	// one (the store) refuse them everywhere. Nil: this process's memory.
	EndedSessions EndedSessions
	// Ready answers GET /readyz: nil is ready (200), an error is not (503,
	// with the error's text, which must hold no secret). Nil: always
	// ready once serving.
	Ready func(ctx context.Context) error
	// Metrics, when set, is served at GET /metrics (behind APIKey when
	// one is set, like the MCP endpoints).
	Metrics http.Handler
	// Tracing gives each request a span (pkg/tracing), continuing the
	// caller's traceparent.
	Tracing bool
}

// DefaultReadTimeout is Options.ReadTimeout's default: a 4 MiB body at
// about 1 Mbit/s.
const DefaultReadTimeout = 30 * time.Second

// Serve runs until ctx is done, then shuts down gracefully.
func Serve(ctx context.Context, s *server.Server, o Options) error {
	o = o.withDefaults()
	switch o.Transport {
	case Stdio, "":
		return serveStdio(ctx, s, o)
	case SSE, HTTP:
		return serveHTTP(ctx, s, o)
	default:
		return fmt.Errorf("unknown transport %q: use stdio, sse or http", o.Transport)
	}
}

func serveStdio(ctx context.Context, s *server.Server, o Options) error {
	// The stdio server's own context must outlive ctx so that in-flight tool
	// calls can finish after a signal; it ends once they drained.
	listenCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	stdio := mcpserver.NewStdioServer(s.MCP)
	errc := make(chan error, 1)
	go func() { errc <- stdio.Listen(listenCtx, o.Stdin, o.Stdout) }()
	select {
	case err := <-errc:
		// stdin closed: the client went away.
		if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	drainCtx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	if err := s.Drain(drainCtx); err != nil {
		o.Logger.Warn().Err(err).Msg("shutdown")
	}
	stop()
	return nil
}

func (o Options) withDefaults() Options {
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 4 << 20
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	return o
}

// Handler returns the HTTP handler of the SSE or Streamable HTTP transport
// plus a function that closes its long-lived sessions.
func Handler(s *server.Server, o Options) (http.Handler, func(context.Context)) {
	o = o.withDefaults()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		var body any = map[string]string{"status": "ok"}
		if o.Health != nil {
			body = o.Health()
		}
		writeJSON(w, http.StatusOK, body)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if o.Ready != nil {
			if err := o.Ready(r.Context()); err != nil {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": err.Error()})
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	guard := func(h http.Handler) http.Handler {
		if o.Authenticate != nil {
			h = o.Authenticate(h)
		}
		return originPolicy(o.AllowedOrigins, o.AllowedHosts, h)
	}
	binder := newSessionBinder(o.SessionSecret, o.EndedSessions, o.Logger)
	var closeSessions func(context.Context)
	switch o.Transport {
	case SSE:
		sse := mcpserver.NewSSEServer(s.MCP,
			mcpserver.WithSSEEndpoint("/sse"),
			mcpserver.WithMessageEndpoint("/message"),
			mcpserver.WithKeepAlive(true),
			mcpserver.WithSessionIDGenerator(binder.sseSessionID),
			mcpserver.WithSSEDisableLocalhostProtection(true), // rejectRebinding below, with AllowedHosts
			mcpserver.WithSSEContextFunc(callerFromRequest))
		mux.Handle("/sse", guard(sse.SSEHandler()))
		mux.Handle("/message", guard(binder.requireSessionOwner(sse.MessageHandler())))
		closeSessions = func(context.Context) { sse.CloseSessions() }
	default:
		streamable := mcpserver.NewStreamableHTTPServer(s.MCP,
			mcpserver.WithEndpointPath("/mcp"),
			mcpserver.WithSessionIdManagerResolver(binder),
			mcpserver.WithDisableLocalhostProtection(true), // rejectRebinding below, with AllowedHosts
			mcpserver.WithHTTPContextFunc(callerFromRequest))
		endpoint := guard(binder.requireStreamableOwner(binder.refuseEnded(streamable)))
		mux.Handle("/mcp", endpoint)
		mux.Handle("/mcp/", narrowedEndpoint(s, endpoint))
		closeSessions = streamable.CloseSessions
	}
	for pattern, h := range o.Routes {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the MCP endpoint is " + endpointOf(o.Transport), "code": "NOT_FOUND"})
	})
	var h http.Handler = mux
	h = requireAPIKey(o.APIKey, o.OpenPrefixes, h)
	h = rejectRebinding(o.AllowedHosts, h)
	h = limitBody(o.MaxBodyBytes, h)
	h = clientip.Middleware(o.TrustedProxies, h)
	h = requestid.Middleware(h)
	if o.Tracing {
		h = tracing.Handler(h)
	}
	return h, closeSessions
}

// callerFromRequest carries the authenticated caller from the HTTP request
// into the context tool handlers see: over SSE the tool call arrives on a
// different request than the stream, so each request brings its own.
func callerFromRequest(ctx context.Context, r *http.Request) context.Context {
	if id := requestid.From(r.Context()); id != "" {
		ctx = requestid.With(ctx, id)
	}
	if names, ok := server.ToolsetsFrom(r.Context()); ok {
		ctx = server.WithToolsets(ctx, names)
	}
	if c := tenant.From(r.Context()); c != nil {
		return tenant.With(ctx, c)
	}
	return ctx
}

// narrowedEndpoint serves /mcp/readonly and /mcp/x/<toolsets>[/readonly]:
// the MCP endpoint with fewer tools (server.ToolsetsOfPath). Other paths
// under /mcp, and unknown toolsets, are 404 with what would work.
func narrowedEndpoint(s *server.Server, endpoint http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names, ok := server.ToolsetsOfPath(strings.TrimPrefix(r.URL.Path, "/mcp"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"code": "NOT_FOUND",
				"error": "not found: the MCP endpoints are /mcp, /mcp/readonly, /mcp/x/<toolset>[,<toolset>...] and /mcp/x/<toolsets>/readonly"})
			return
		}
		if err := s.CheckToolsets(names); err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"code": "NOT_FOUND", "error": "not found: " + err.Error()})
			return
		}
		endpoint.ServeHTTP(w, r.WithContext(server.WithToolsets(r.Context(), names)))
	})
}

func endpointOf(transport string) string {
	if transport == SSE {
		return "/sse"
	}
	return "/mcp"
}

func serveHTTP(ctx context.Context, s *server.Server, o Options) error {
	h, closeSessions := Handler(s, o)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, o.ReadTimeout),
		ReadTimeout:       o.ReadTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	ln := o.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", o.Addr); err != nil {
			return fmt.Errorf("listen on %s: %w", o.Addr, err)
		}
	}
	if o.OnListen != nil {
		o.OnListen(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	// Stop accepting first, let tool calls finish (their results may travel
	// over open SSE streams), then close the long-lived streams.
	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(shutdownCtx) }()
	if err := s.Drain(shutdownCtx); err != nil {
		o.Logger.Warn().Err(err).Msg("shutdown")
	}
	closeSessions(shutdownCtx)
	err := <-shutdown
	if errors.Is(err, context.DeadlineExceeded) {
		_ = srv.Close()
		return nil
	}
	return err
}

func hasAnyPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// requireAPIKey enforces SLACK_MCP_API_KEY with a constant-time compare.
func requireAPIKey(key string, open []string, next http.Handler) http.Handler {
	if key == "" {
		return next
	}
	want := sha256.Sum256([]byte(key))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" || r.URL.Path == "/readyz" || hasAnyPrefix(r.URL.Path, open) {
			next.ServeHTTP(w, r)
			return
		}
		h := r.Header.Get("Authorization")
		scheme, token, ok := strings.Cut(h, " ")
		switch {
		case h == "":
			unauthorized(w, "missing Authorization header: send Authorization: Bearer <api key>")
			return
		case !ok || !strings.EqualFold(scheme, "Bearer"):
			unauthorized(w, "Authorization header must use the Bearer scheme")
			return
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			unauthorized(w, "invalid API key")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="slack-mcp-server"`)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": msg, "code": "UNAUTHORIZED"})
}

func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body larger than %d bytes", max), "code": "BODY_TOO_LARGE"})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) { httpjson.Write(w, status, body) }
