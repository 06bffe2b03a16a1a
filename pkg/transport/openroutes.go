package transport

import "net/http"

// skipAPIKey serves the open routes without the API key: they answer for
// themselves and hold nothing the key protects (today: /oauth/* saying
// "OAuth mode is not enabled" with 503 INTEGRATION_DISABLED, which a 401
// would hide from whoever is setting the server up). Everything else goes
// to next, the API key check included.
func skipAPIKey(open map[string]http.Handler, next http.Handler) http.Handler {
	if len(open) == 0 {
		return next
	}
	mux := http.NewServeMux()
	for pattern, h := range open {
		mux.Handle(pattern, h)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, pattern := mux.Handler(r); pattern != "" {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
