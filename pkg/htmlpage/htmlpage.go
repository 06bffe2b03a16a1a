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

// Style is the stylesheet every page shares (inline, so a strict CSP needs
// only style-src 'unsafe-inline'), for one look across the consent,
// consents and connections pages.
const Style = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}code{font:13px/1.4 ui-monospace,monospace;word-break:break-all}
.warn{background:#fff8e1;border-left:4px solid #f0c36d;padding:.5rem .75rem}
.err{background:#fdecea;border-left:4px solid #e01e5a;padding:.5rem .75rem}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{cursor:pointer;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #888;background:#fff;font-size:1rem}
button.primary{background:#4a154b;color:#fff;border-color:#4a154b}
.ok{background:#e8f5e9;border-left:4px solid #2e7d32;padding:.5rem .75rem}
.app{border:1px solid #ddd;border-radius:6px;padding:.25rem 1rem 1rem;margin:1rem 0}
.dest{border:1px solid #ddd;border-radius:6px;padding:.5rem .75rem}.dest strong{font-size:1.15rem}
.dest strong,.host{word-break:break-all}
.app h2{font-size:1.1rem}.app ul{margin:.25rem 0}.muted{color:#616061}
fieldset{border:1px solid #ddd;border-radius:6px;margin:1rem 0}fieldset label{display:block;padding:.2rem 0}
`
