package slackoauth

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
)

// Error codes in {"error","code"} bodies, error pages and
// return_url?status=error&error=<code> redirects.
const (
	CodeInvalidState     = "OAUTH_INVALID_STATE"
	CodeAccessDenied     = "OAUTH_ACCESS_DENIED"
	CodeExchangeFailed   = "OAUTH_TOKEN_EXCHANGE_FAILED"
	CodeInvalidScope     = "INVALID_SCOPE"
	CodeDisabled         = "INTEGRATION_DISABLED"
	CodeMetadataTooLarge = "METADATA_TOO_LARGE"
	CodeInvalidMetadata  = "INVALID_METADATA"
	CodeInvalidReturnURL = "INVALID_RETURN_URL"
	CodeInvalidToken     = "INVALID_TOKEN"
	CodeRateLimited      = "RATE_LIMITED"
	CodeRequestTooLarge  = "REQUEST_TOO_LARGE"
	CodeNotFound         = "NOT_FOUND"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeInternal         = "INTERNAL_ERROR"
)

// messages are what a person reads for each code; Slack's raw answers
// never reach them.
var messages = map[string]string{
	CodeInvalidState:     "This sign-in link is invalid, expired or was already used, or it was opened in a different browser than the one that started it. Start again from the beginning.",
	CodeAccessDenied:     "The Slack authorization was cancelled, so nothing was connected.",
	CodeExchangeFailed:   "Slack did not complete the authorization. Please try again; if it keeps failing, ask the server's administrator to check the Slack app settings.",
	CodeInvalidScope:     "Slack granted fewer permissions than this server needs, so the connection was not kept. Approve all requested permissions and try again.",
	CodeDisabled:         "OAuth mode is not enabled on this server",
	CodeMetadataTooLarge: "metadata (return_url included) must be at most 1 KB",
	CodeInvalidMetadata:  "metadata must be a JSON object",
	CodeInvalidReturnURL: "return_url must be a relative path on this server or an allowed origin",
	CodeInvalidToken:     "the access token is missing, unknown or already revoked",
	CodeRateLimited:      "too many requests; retry later",
	CodeRequestTooLarge:  "request body too large",
	CodeNotFound:         "not found",
	CodeMethodNotAllowed: "method not allowed",
	CodeInternal:         "internal error; please try again later",
}

func message(code string) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return messages[CodeInternal]
}

// httpStatus is the status each code is answered with.
func httpStatus(code string) int {
	switch code {
	case CodeInvalidState, CodeMetadataTooLarge, CodeInvalidMetadata, CodeInvalidReturnURL:
		return http.StatusBadRequest
	case CodeAccessDenied, CodeInvalidScope:
		return http.StatusForbidden
	case CodeExchangeFailed:
		return http.StatusBadGateway
	case CodeInvalidToken:
		return http.StatusUnauthorized
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeRequestTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeDisabled:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeJSON(w http.ResponseWriter, status int, v any) { httpjson.Write(w, status, v) }

func writeJSONError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, errorBody{Error: message(code), Code: code})
}

// respondError answers with the HTML error page or JSON, by the request's
// Accept header; htmlByDefault decides when Accept expresses no
// preference between the two.
func respondError(w http.ResponseWriter, r *http.Request, code string, htmlByDefault bool) {
	if prefersHTML(r.Header.Get("Accept"), htmlByDefault) {
		renderErrorPage(w, httpStatus(code), code)
		return
	}
	writeJSONError(w, httpStatus(code), code)
}

// prefersHTML compares the q-values of text/html and application/json in
// an Accept header; ties and absence fall back to def.
func prefersHTML(accept string, def bool) bool {
	qHTML, qJSON := AcceptQ(accept)
	switch {
	case qHTML > qJSON:
		return qHTML > 0
	case qJSON > qHTML:
		return false
	default:
		return def
	}
}

// AcceptQ returns the q-values an Accept header gives HTML
// (text/html, application/xhtml+xml) and JSON; -1 where absent. Both OAuth
// legs choose between an error page and a JSON body with it.
func AcceptQ(accept string) (qHTML, qJSON float64) {
	qHTML, qJSON = -1, -1
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			qHTML = max(qHTML, q)
		case "application/json":
			qJSON = max(qJSON, q)
		}
	}
	return qHTML, qJSON
}
