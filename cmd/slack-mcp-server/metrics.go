package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/metrics"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// serveMetrics returns the /metrics handler for the main listener, or,
// with SLACK_MCP_METRICS_ADDR, serves it there until ctx ends and returns
// nil (the main listener then has none).
func (c *config) serveMetrics(ctx context.Context, m *metrics.Metrics, log zerolog.Logger) http.Handler {
	if c.MetricsAddr == "" {
		return m.Handler()
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", c.MetricsAddr)
	if err != nil {
		log.Error().Err(err).Str("addr", c.MetricsAddr).Msg("metrics: cannot listen; /metrics is not served")
		return nil
	}
	log.Info().Str("addr", ln.Addr().String()).Msg("metrics: serving /metrics")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("metrics: serving")
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return nil
}

// tenantGauges adds the OAuth mode's cache sizes to m, read at each
// scrape.
func tenantGauges(m *metrics.Metrics, multi *provider.Multi) *metrics.Metrics {
	for _, g := range []struct{ name, key, help string }{
		{"slack_mcp_validated_tokens", "validated_tokens", "Bearer tokens whose auth.test answer is cached."},
		{"slack_mcp_sessions", "sessions", "Open Slack sessions (one per validated token in use)."},
		{"slack_mcp_workspaces", "workspaces", "Workspaces with a shared users directory."},
		{"slack_mcp_workspaces_ready", "workspaces_ready", "Workspaces whose users directory has loaded."},
		{"slack_mcp_channel_directories", "channel_directories", "Channel directories (one per Slack user and token kind)."},
		{"slack_mcp_refused_tokens", "refused_tokens", "Refused tokens remembered."},
		{"slack_mcp_directory_user_entries", "user_entries", "People in the shared users directories, all workspaces."},
		{"slack_mcp_directory_channel_entries", "channel_entries", "Conversations in the channels directories, all people."},
	} {
		m.Gauge(g.name, g.help, func() float64 {
			n, _ := multi.Stats()[g.key].(int)
			return float64(n)
		})
	}
	return m
}

// cacheGauges adds single-user mode's directory sizes to m.
func cacheGauges(m *metrics.Metrics, single *provider.Single) *metrics.Metrics {
	s := single.Peek()
	m.Gauge("slack_mcp_directory_user_entries", "People in the users directory.", func() float64 { return float64(s.Users.Len()) })
	m.Gauge("slack_mcp_directory_channel_entries", "Conversations in the channels directory.", func() float64 { return float64(s.Channels.Len()) })
	return m
}

// storeReady is GET /readyz of OAuth mode: the store answers (its
// migrations ran at start).
func storeReady(st store.Backend, log zerolog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			log.Warn().Ctx(ctx).Err(err).Msg("readiness: the token store does not answer")
			return errors.New("the token store cannot be reached")
		}
		return nil
	}
}
