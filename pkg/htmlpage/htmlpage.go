package htmlpage

import "net/http"

// SetHeaders hardens an HTML answer: the given Content-Security-Policy,
// not frameable (clickjacking on a consent button), nothing cached (pages
// show tokens and who someone is), no Referer leaked onward, and no
// content sniffing.
func SetHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
}
