package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// BenchmarkIdleTenantMemory10k measures what one process holds for
// 10,000 idle tenants over 100 workspaces (100 people each), every
// session's directories warmed: bytes per tenant and in all.
func BenchmarkIdleTenantMemory10k(b *testing.B) {
	const workspaces, perWorkspace = 100, 100
	emus := map[string]*slackemu.Server{}
	var trusted []string
	for w := range workspaces {
		team := fmt.Sprintf("T%03d", w)
		emu := newEmu(b, newWorkspace(team, perWorkspace), slackemu.Options{})
		emus[strings.ToLower(team)] = emu
		u, _ := url.Parse(emu.URL)
		trusted = append(trusted, u.Host)
	}
	// auth.test at the base URL is answered by the token's workspace,
	// which names its own URL for the calls after.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		tok := strings.TrimPrefix(form.Get("token")+r.Header.Get("Authorization"), "Bearer ")
		team, _, _ := strings.Cut(strings.TrimPrefix(tok, "xoxp-"), "-")
		emus[team].Handler().ServeHTTP(w, r)
	}))
	b.Cleanup(front.Close)
	f := newFactory(b, front.URL, trusted...)
	var perTenant, total float64
	for b.Loop() {
		v := caller.NewValidator(caller.ValidatorOptions{Factory: f, Resolver: caller.New(caller.Options{AcceptSlackTokens: true}), MaxValidations: 20_000, Logger: zerolog.Nop()})
		m := NewMulti(MultiOptions{Factory: f, Validator: v, Logger: zerolog.Nop()})
		base := memInUse()
		sessions := make([]*tools.Session, 0, workspaces*perWorkspace)
		for w := range workspaces {
			for i := range perWorkspace {
				tok := userToken(fmt.Sprintf("T%03d", w), i)
				c, err := v.Authenticate(context.Background(), tok)
				if err != nil {
					b.Fatal(err)
				}
				s, err := m.Session(tenant.With(context.Background(), c))
				if err != nil {
					b.Fatal(err)
				}
				sessions = append(sessions, s)
			}
		}
		for _, s := range sessions {
			for !s.Channels.Ready() || !s.Users.Ready() {
				time.Sleep(time.Millisecond)
			}
		}
		sessions = nil
		used := float64(memInUse() - base)
		perTenant, total = used/float64(workspaces*perWorkspace), used
		runtime.KeepAlive(m)
		m.Close()
	}
	b.ReportMetric(perTenant, "bytes/tenant")
	b.ReportMetric(total/(1<<20), "MiB")
	b.ReportMetric(0, "ns/op")
}
