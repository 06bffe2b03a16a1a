package audit

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

type appender struct {
	got []store.AuditEvent
	err error
}

func (a *appender) AppendAudit(_ context.Context, e store.AuditEvent) error {
	a.got = append(a.got, e)
	return a.err
}

func TestRecord(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		detail     string
		appendErr  error
		wantDetail string
		wantWarn   bool
	}{
		{"address added", "", nil, "ip=192.0.2.0", false},
		{"address after detail", "client=abc", nil, "client=abc ip=192.0.2.0", false},
		{"store failure logged", "", errors.New("disk full"), "ip=192.0.2.0", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs testkit.LogBuffer
			a := &appender{err: tc.appendErr}
			w := Writer{Component: "slackoauth", Store: a, Logger: zerolog.New(&logs), Now: func() time.Time { return now }}
			r := httptest.NewRequest("GET", "/oauth/authorize", nil)
			r.RemoteAddr = "192.0.2.7:5555"
			w.Record(r, store.AuditEvent{Event: "oauth_initiated", Outcome: "ok", TeamID: "T1", EnterpriseID: "E1", Detail: tc.detail})
			require.Len(t, a.got, 1)
			assert.Equal(t, now, a.got[0].At)
			assert.Equal(t, tc.wantDetail, a.got[0].Detail)
			assert.Contains(t, logs.String(), `"message":"slackoauth: audit"`)
			assert.Contains(t, logs.String(), `"enterprise":"E1"`)
			assert.Equal(t, tc.wantWarn, strings.Contains(logs.String(), "writing audit event"))
		})
	}
}
