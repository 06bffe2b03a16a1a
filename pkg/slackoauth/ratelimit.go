package slackoauth

import (
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
)

// allow applies the per-address limit, answering 429 with Retry-After
// itself. The address is clientip's (through trusted proxies), counted by
// clientip.Bucket (IPv4 address, IPv6 /64, all of loopback as one), as at
// the authorization server.
func (s *Service) allow(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.limiter.Take(clientip.Of(r), s.o.Now())
	if ok {
		return true
	}
	clientip.SetRetryAfter(w, wait)
	writeJSONError(w, http.StatusTooManyRequests, CodeRateLimited)
	return false
}
