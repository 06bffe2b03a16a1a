package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"
)

// Browser is an HTTP client that acts like a browser in a login flow
// under test: it keeps cookies and does not follow redirects, so each hop
// can be checked.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("testkit: cookie jar: %v", err)
	}
	return &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Response is an HTTP answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends one request with the header pairs in hdr (name, value, ...)
// and reads the whole answer.
func Do(t testing.TB, c *http.Client, method, target string, body io.Reader, hdr ...string) Response {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatalf("testkit: request: %v", err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("testkit: %s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("testkit: reading the answer: %v", err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Location is the answer's Location header, parsed.
func (r Response) Location(t testing.TB) *url.URL {
	t.Helper()
	u, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		t.Fatalf("testkit: Location %q: %v", r.Header.Get("Location"), err)
	}
	return u
}

// JSON is the answer's body decoded as a JSON object.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("testkit: body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}
