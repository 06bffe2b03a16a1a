package oauthserver

import (
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
)

// DefaultRegistrationsPerHour is Options.RegistrationsPerHour's default:
// enough for a few hundred people connecting a new client in one morning.
const DefaultRegistrationsPerHour = 600

// maxRegistrationBytes caps a /register body. Real clients send well under
// 1 KB; with the global cap and the sweep of never-used clients this
// bounds how fast registrations can grow the store.
const maxRegistrationBytes = 4 << 10

// newClientGate is the budget of new clients across all addresses: dynamic
// registrations and fetches of metadata documents not yet cached. The
// per-address limit alone does not hold against many addresses (a botnet,
// or an IPv6 network); this does, at the price that such a flood can
// delay other people's first registration (existing clients are never
// affected). Burst: a tenth of the hour.
func newClientGate(perHour int, perIP rate.Limit) *clientip.Limiter {
	if perIP == rate.Inf {
		return clientip.NewLimiter(rate.Inf, 0, 1) // limits off (tests)
	}
	if perHour <= 0 {
		perHour = DefaultRegistrationsPerHour
	}
	return clientip.NewLimiter(rate.Limit(float64(perHour)/3600), max(perHour/10, 1), 1)
}

// allowNewClient spends one unit of the global budget.
func (s *Server) allowNewClient() (bool, time.Duration) {
	return s.newClients.Take("new clients", s.o.Now())
}

// refuseNewClient answers a registration over the global budget.
func refuseNewClient(w http.ResponseWriter, wait time.Duration) {
	clientip.SetRetryAfter(w, wait)
	writeOAuthError(w, http.StatusTooManyRequests, "rate_limited", "too many new clients are registering right now; retry later")
}
