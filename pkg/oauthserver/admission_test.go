package oauthserver

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const smallRegistration = `{"redirect_uris":["http://127.0.0.1:9999/callback"],"token_endpoint_auth_method":"none","client_name":"x"}`

// registerFrom posts a registration as if from remote, straight to the
// handler (the transport would have resolved the address the same way).
func registerFrom(h *harness, remote, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/register", strings.NewReader(body))
	r.RemoteAddr = remote
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.as.Routes()["/register"].ServeHTTP(w, r)
	return w
}

// Finding 6: per-address limits counted exact addresses, so rotating the
// source address (any of 127/8, or within one IPv6 /64) reset the bucket:
// 35 registrations from rotating loopback addresses were all accepted.
func TestRegistrationLimitsCountAddressBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		remote func(i int) string
	}{
		{"rotating loopback", func(i int) string { return fmt.Sprintf("127.0.%d.%d:4000", i/250, 1+i%250) }},
		{"loopback v4 and v6", func(i int) string { return map[bool]string{true: "[::1]:4000", false: "127.0.0.2:4000"}[i%2 == 0] }},
		{"rotating within one IPv6 /64", func(i int) string { return fmt.Sprintf("[2001:db8:1:2:%x::1]:4000", i) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "mem", func(o *hopts) {
				o.mod = func(o *Options) {
					o.RateLimit, o.Burst, o.RegistrationsPerHour = DefaultRateLimit, DefaultBurst, 100000
				}
			})
			accepted := 0
			for i := range 35 {
				if registerFrom(h, tc.remote(i), smallRegistration).Code == http.StatusCreated {
					accepted++
				}
			}
			require.Equal(t, DefaultBurst, accepted)
			require.Equal(t, http.StatusCreated, registerFrom(h, "198.51.100.1:4000", smallRegistration).Code, "another address has its own bucket")
			require.Equal(t, http.StatusCreated, registerFrom(h, "[2001:db8:1:3::1]:4000", smallRegistration).Code, "another /64 has its own bucket")
		})
	}
}

// Finding 6: many distinct addresses (a botnet) are held by the global cap
// on new clients, which refills with time.
func TestRegistrationsHaveAGlobalCap(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem", func(o *hopts) {
		o.mod = func(o *Options) { o.RateLimit, o.Burst, o.RegistrationsPerHour = DefaultRateLimit, DefaultBurst, 60 }
	})
	accepted := 0
	var last *httptest.ResponseRecorder
	for i := range 20 {
		last = registerFrom(h, fmt.Sprintf("198.51.%d.%d:4000", 100+i/200, 1+i%200), smallRegistration)
		if last.Code == http.StatusCreated {
			accepted++
		}
	}
	require.Equal(t, 6, accepted, "burst: a tenth of the hourly budget")
	require.Equal(t, http.StatusTooManyRequests, last.Code)
	require.Contains(t, last.Body.String(), `"rate_limited"`)
	require.Equal(t, "60", last.Header().Get("Retry-After"))
	h.clock.Advance(time.Minute)
	require.Equal(t, http.StatusCreated, registerFrom(h, "203.0.113.9:4000", smallRegistration).Code, "the budget refills")

	// A metadata document not cached is a new client too: over budget,
	// it is not even fetched.
	doc, hits := docServer(t, "", goodDoc)
	_, err := h.as.lookupClient(context.Background(), doc.URL+"/client.json")
	require.ErrorIs(t, err, errUnknownClient)
	require.Contains(t, err.Error(), errTooManyNewClients.Error())
	require.Zero(t, hits.Load())
}

// Finding 6: 400 maximum-size registrations added 12 MB; the body cap is
// now 4 KB, and registered clients start unused.
func TestRegistrationBodyCapAndUnusedStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	big := `{"redirect_uris":["http://127.0.0.1:9999/callback"],"client_name":"` + strings.Repeat("x", 4<<10) + `"}`
	w := registerFrom(h, "198.51.100.1:4000", big)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	require.Contains(t, w.Body.String(), "4 KB")

	w = registerFrom(h, "198.51.100.1:4000", smallRegistration)
	require.Equal(t, http.StatusCreated, w.Code)
	id := response{Body: w.Body.String()}.JSON(t)["client_id"].(string)
	c, err := h.store.GetClient(context.Background(), id)
	require.NoError(t, err)
	require.True(t, c.LastUsedAt.IsZero(), "not used until it gets a code or a token")
}

// A successful authorization (a code issued) records use, before any
// /token call, so the sweep of never-used clients keeps the client.
func TestAuthorizationRecordsUse(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		id := h.publicClient()
		_, ch := pkce()
		h.clock.Advance(time.Minute)
		h.fullFlow(newBrowser(t), h.authzParams(id, ch))
		c, err := h.store.GetClient(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, h.clock.Now().UnixMilli(), c.LastUsedAt.UnixMilli())
	})
}

// A metadata document may be large (64 KB), but what it leaves in the
// store is capped like a registration; it starts unused too.
func TestCIMDStoredSizeCapAndUnusedStart(t *testing.T) {
	t.Parallel()
	var uris []string
	for i := range 20 {
		uris = append(uris, fmt.Sprintf("https://app.example/%d/%s", i, strings.Repeat("p", 500)))
	}
	big, _ := docServer(t, "", func(self string) map[string]any {
		return map[string]any{"client_id": self, "redirect_uris": uris, "token_endpoint_auth_method": "none"}
	})
	h := newHarness(t, "mem", withCIMD(big.Client(), true))
	_, err := h.as.lookupClient(context.Background(), big.URL+"/client.json")
	require.ErrorIs(t, err, errUnknownClient)
	require.Contains(t, err.Error(), "8 KB")

	good, _ := docServer(t, "", goodDoc)
	h = newHarness(t, "mem", withCIMD(good.Client(), true))
	c, err := h.as.lookupClient(context.Background(), good.URL+"/client.json")
	require.NoError(t, err)
	require.True(t, c.LastUsedAt.IsZero())
}
