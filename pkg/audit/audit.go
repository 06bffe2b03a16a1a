package audit

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/metrics"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Appender is the part of the store the trail needs.
type Appender interface {
	AppendAudit(ctx context.Context, e store.AuditEvent) error
}

// Writer records events for one component ("slackoauth", "oauthserver"),
// whose name prefixes its log lines.
type Writer struct {
	Component string
	Store     Appender
	Logger    zerolog.Logger
	Now       func() time.Time
	// Metrics counts events by event and outcome (the login funnel); nil
	// counts nothing.
	Metrics *metrics.Metrics
}

// Record stamps e with the time and the caller's truncated address, logs
// it and appends it to the store. A failed append is logged, never shown
// to the person, and not at all when the request itself went away.
func (w Writer) Record(r *http.Request, e store.AuditEvent) {
	e.At = w.Now()
	if ip := clientip.Truncated(clientip.Of(r)); ip != "" {
		if e.Detail != "" {
			e.Detail += " "
		}
		e.Detail += "ip=" + ip
	}
	ev := w.Logger.Info().Ctx(r.Context()).Str("event", e.Event).Str("outcome", e.Outcome).Str("detail", e.Detail)
	if e.TeamID != "" {
		ev = ev.Str("team", e.TeamID)
	}
	if e.EnterpriseID != "" {
		ev = ev.Str("enterprise", e.EnterpriseID)
	}
	if e.UserID != "" {
		ev = ev.Str("user", e.UserID)
	}
	ev.Msg(w.Component + ": audit")
	w.Metrics.Audit(e.Event, e.Outcome)
	if err := w.Store.AppendAudit(r.Context(), e); err != nil && !errors.Is(err, r.Context().Err()) {
		w.Logger.Warn().Ctx(r.Context()).Err(err).Str("event", e.Event).Msg(w.Component + ": writing audit event")
	}
}
