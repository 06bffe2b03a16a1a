package slackapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
)

// Identical reads in flight at the same moment for the same token (same
// method, same arguments) share one Slack call: two tools of one person
// asking for the same page, or a model retrying while the first call still
// runs, spend Slack's budget once. Only calls in flight are shared; an
// answer is never kept for a later call, so nothing is served stale.

// errAnswerTooLarge fails a shared read whose answer exceeds maxSharedBody.
var errAnswerTooLarge = errors.New("slackapi: Slack's answer is too large to share")

// maxSharedBody bounds a shared answer kept in memory for its waiters; a
// larger one fails the shared call (Slack's pages are far smaller).
const maxSharedBody = 32 << 20

// sharedReads are the last segments of read methods whose answer depends
// only on the token and the arguments.
var sharedReads = map[string]bool{
	"history": true, "replies": true, "info": true, "list": true, "members": true, "get": true,
	"getPermalink": true, "lookupByEmail": true, "conversations": true, "getPresence": true,
	"messages": true, "files": true, "all": true, "lookup": true,
}

// sharedRead reports whether method is a read that may be shared.
func sharedRead(method string) bool {
	i := strings.LastIndexByte(method, '.')
	return i > 0 && sharedReads[method[i+1:]]
}

// sharedAnswer is one Slack answer handed to every waiter.
type sharedAnswer struct {
	status int
	header http.Header
	body   []byte
}

// response builds a waiter's own copy of the answer.
func (a *sharedAnswer) response(req *http.Request) *http.Response {
	return &http.Response{
		Status: http.StatusText(a.status), StatusCode: a.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: a.header.Clone(), Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: req,
	}
}

// doShared runs req once for every identical read in flight. The shared
// call is detached from the first caller's cancellation (the others still
// wait for it); each caller stops waiting when its own context ends.
func (d *doer) doShared(req *http.Request, method string) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	for _, part := range []string{d.fp, d.cookie, d.scope, method, req.URL.RawQuery, req.Header.Get("Authorization"), req.Header.Get("Content-Type")} {
		sum.Write([]byte(part))
		sum.Write([]byte{0})
	}
	sum.Write(body)
	key := hex.EncodeToString(sum.Sum(nil))

	ctx := req.Context()
	ch := d.f.reads.DoChan(key, func() (any, error) {
		r := req.Clone(context.WithoutCancel(ctx))
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		resp, err := d.do(r, method)
		if err != nil {
			return nil, err
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxSharedBody+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxSharedBody {
			return nil, errAnswerTooLarge
		}
		return &sharedAnswer{status: resp.StatusCode, header: resp.Header, body: b}, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*sharedAnswer).response(req), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readBody reads a request's body for the sharing key and the shared call.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer func() { _ = req.Body.Close() }()
	return io.ReadAll(req.Body)
}
