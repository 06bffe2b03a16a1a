package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// CIMD fetch limits.
const (
	cimdTimeout  = 5 * time.Second
	cimdMaxBytes = 64 << 10
	cimdMinCache = 5 * time.Minute
	cimdMaxCache = 24 * time.Hour
	// maxStoredCIMD caps what a document leaves in the store (the fields
	// we keep, not the document), as maxRegistrationBytes does for DCR.
	maxStoredCIMD = 8 << 10
)

var (
	// errUnknownClient: no such registered client, or a CIMD URL whose
	// document could not be used.
	errUnknownClient = errors.New("oauthserver: unknown client")
	errBlockedAddr   = errors.New("oauthserver: address not allowed for client metadata fetches")
	// errTooManyNewClients: the global budget of new clients is spent.
	errTooManyNewClients = errors.New("too many new clients right now; retry in a few minutes")
)

// cimdFetcher fetches Client ID Metadata Documents through an
// SSRF-guarded client.
type cimdFetcher struct {
	client       *http.Client
	allowPrivate bool
}

func newCIMDFetcher(base *http.Client, allowPrivate bool) *cimdFetcher {
	var c http.Client
	if base != nil {
		c = *base
	}
	var tr *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	}
	if tr != nil {
		// A proxy would dial for us and defeat the guard.
		tr.Proxy = nil
		d := &net.Dialer{Timeout: cimdTimeout}
		if !allowPrivate {
			d.Control = func(_, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err != nil || blockedIP(ap.Addr()) {
					return errBlockedAddr
				}
				return nil
			}
		}
		tr.DialContext = d.DialContext
		tr.ResponseHeaderTimeout = cimdTimeout
		c.Transport = tr
	}
	// A transport we cannot guard at dial time (a test double) still gets
	// the pre-flight literal-address check in fetch.
	c.Timeout = cimdTimeout
	c.Jar = nil
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 1 {
			return errors.New("more than one redirect")
		}
		if req.URL.Scheme != "https" {
			return errors.New("redirect to a non-https URL")
		}
		return nil
	}
	return &cimdFetcher{client: &c, allowPrivate: allowPrivate}
}

// blockedIP: loopback, private, link-local, unspecified, multicast,
// CGNAT, benchmarking, reserved and IPv4-in-IPv6 forms of those.
func blockedIP(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("::/128"),
}

// isCIMDClientID reports whether a client_id is meant as a metadata
// document URL.
func isCIMDClientID(id string) bool { return strings.HasPrefix(id, "https://") }

// checkCIMDURL: https, a host, a path other than "/", no query,
// fragment, user info, dot segments or odd characters.
func checkCIMDURL(raw string) (*url.URL, error) {
	if len(raw) > maxRedirectURILen {
		return nil, errors.New("client_id URL too long")
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c >= 0x7f || c == '\\' {
			return nil, errors.New("client_id URL contains invalid characters")
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return nil, errors.New("client_id URL must be an absolute https URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "#?") {
		return nil, errors.New("client_id URL must not carry user info, a query or a fragment")
	}
	if u.Path == "" || u.Path == "/" {
		return nil, errors.New("client_id URL must have a path")
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, errors.New("client_id URL must not contain dot segments")
		}
	}
	return u, nil
}

// fetch retrieves and validates the document at id.
func (f *cimdFetcher) fetch(ctx context.Context, id string) (clientMetadata, time.Duration, error) {
	u, err := checkCIMDURL(id)
	if err != nil {
		return clientMetadata{}, 0, err
	}
	if ap, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !f.allowPrivate && blockedIP(ap) {
		return clientMetadata{}, 0, errBlockedAddr
	}
	ctx, cancel := context.WithTimeout(ctx, cimdTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return clientMetadata{}, 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, errBlockedAddr) {
			return clientMetadata{}, 0, errBlockedAddr
		}
		return clientMetadata{}, 0, fmt.Errorf("fetch client metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return clientMetadata{}, 0, fmt.Errorf("fetch client metadata: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, cimdMaxBytes+1))
	if err != nil {
		return clientMetadata{}, 0, fmt.Errorf("read client metadata: %w", err)
	}
	if len(body) > cimdMaxBytes {
		return clientMetadata{}, 0, errors.New("client metadata document larger than 64 KB")
	}
	var m clientMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return clientMetadata{}, 0, errors.New("client metadata document is not a JSON object")
	}
	if m.ClientID != id {
		return clientMetadata{}, 0, errors.New("client metadata document's client_id differs from its URL")
	}
	if merr := validateMetadata(&m, true); merr != nil {
		return clientMetadata{}, 0, merr
	}
	return m, cacheLifetime(resp.Header.Get("Cache-Control")), nil
}

// cacheLifetime reads max-age from Cache-Control, clamped to [5 min,
// 24 h]; no-store, no-cache and a missing max-age give the minimum.
func cacheLifetime(cc string) time.Duration {
	d := cimdMinCache
	for part := range strings.SplitSeq(cc, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.ToLower(k) {
		case "no-store", "no-cache":
			return cimdMinCache
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n >= 0 {
				d = time.Duration(min(n, int64(cimdMaxCache/time.Second))) * time.Second
			}
		}
	}
	return min(max(d, cimdMinCache), cimdMaxCache)
}

// lookupClient returns a registered client, fetching (or re-fetching an
// expired) Client ID Metadata Document for an https client_id. Unknown
// clients and unusable documents wrap errUnknownClient.
func (s *Server) lookupClient(ctx context.Context, id string) (store.Client, error) {
	if id == "" || len(id) > maxRedirectURILen {
		return store.Client{}, errUnknownClient
	}
	now := s.o.Now()
	c, err := s.o.Store.GetClient(ctx, id)
	switch {
	case err == nil && c.Kind != store.ClientMetadata:
		return c, nil
	case err == nil && now.Before(c.ExpiresAt):
		return c, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return store.Client{}, fmt.Errorf("oauthserver: get client: %w", err)
	case !isCIMDClientID(id):
		return store.Client{}, errUnknownClient
	}
	v, err, _ := s.fetches.Do(id, func() (any, error) {
		// A document not cached is a new client: it spends the global
		// budget, so many made-up URLs cannot make us fetch (and store)
		// without bound.
		if ok, _ := s.allowNewClient(); !ok {
			return nil, errTooManyNewClients
		}
		// Detached from one caller's cancellation: others may share it.
		m, ttl, err := s.cimd.fetch(context.WithoutCancel(ctx), id)
		if err != nil {
			return nil, err
		}
		meta, _ := json.Marshal(m)
		if len(meta) > maxStoredCIMD {
			return nil, errors.New("client metadata document has more redirect URIs and names than we store (8 KB)")
		}
		// No LastUsedAt: use is recorded when the client gets a code or a
		// token; documents never used are swept after a day.
		c := store.Client{
			ID: id, Kind: store.ClientMetadata, Name: m.ClientName,
			RedirectURIs: m.RedirectURIs, AuthMethod: authNone, Metadata: meta,
			CreatedAt: now, ExpiresAt: now.Add(ttl),
		}
		if err := s.o.Store.PutClient(ctx, c); err != nil {
			return nil, outage{fmt.Errorf("oauthserver: put client: %w", err)}
		}
		return c, nil
	})
	if err != nil {
		s.o.Logger.Info().Ctx(ctx).Str("client_id", clientDetail(id)).Str("reason", err.Error()).Msg("oauthserver: client metadata document refused")
		var o outage
		if errors.As(err, &o) {
			return store.Client{}, o.err
		}
		return store.Client{}, fmt.Errorf("%w: %v", errUnknownClient, err)
	}
	return v.(store.Client), nil
}

// outage marks a store failure (not the client's fault) inside a shared
// fetch.
type outage struct{ err error }

func (o outage) Error() string { return o.err.Error() }
