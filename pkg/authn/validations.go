package authn

import (
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
)

// Defaults for Options.ValidationRate and ValidationBurst that cmd uses:
// a client address may present one token the server does not know yet per
// second, 30 at once (an office behind one NAT reconnecting after a
// restart).
const (
	DefaultValidationRate  = rate.Limit(1)
	DefaultValidationBurst = 30
)

// CodeRateLimited is the code of the 429 body.
const CodeRateLimited = "RATE_LIMITED"

const msgTooManyValidations = "too many new tokens from this address; retry after the time in Retry-After"

// Validated is implemented by Authenticators that can tell, without side
// effects, whether a token would be answered from what they already know
// (validated or refused recently). The others need a Slack call, and
// Options.ValidationRate limits them per client address.
type Validated interface {
	Validated(bearer string) bool
}

// validationGate limits fresh validations per client address (clientip
// buckets); nil when off.
type validationGate struct {
	known   Validated
	limiter *clientip.Limiter
	now     func() time.Time
}

func newValidationGate(a Authenticator, o Options) *validationGate {
	known, ok := a.(Validated)
	if !ok || o.ValidationRate <= 0 || o.ValidationRate == rate.Inf {
		return nil
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &validationGate{known: known, limiter: clientip.NewLimiter(o.ValidationRate, max(o.ValidationBurst, 1), 0), now: now}
}

// allow answers 429 itself when r's address spent its fresh validations.
func (g *validationGate) allow(w http.ResponseWriter, r *http.Request, tok string, o *Options) bool {
	if g == nil || g.known.Validated(tok) {
		return true
	}
	ok, wait := g.limiter.Take(clientip.Of(r), g.now())
	if ok {
		return true
	}
	o.Logger.Info().Ctx(r.Context()).Str("reason", CodeRateLimited).Str("token", Fingerprint(tok)).Str("path", r.URL.Path).Msg("request refused")
	clientip.SetRetryAfter(w, wait)
	writeJSON(w, http.StatusTooManyRequests, errorBody{Error: msgTooManyValidations, Code: CodeRateLimited})
	return false
}
