// Package requestid names each HTTP request: the ID a trusted caller sent
// in X-Request-Id (when it looks like one) or a new random one. The
// Middleware puts it in the request's context and the response's
// X-Request-Id header; Hook adds it, as request_id, to every log line of
// an event given that context (zerolog's Event.Ctx), so one request's
// lines can be found together and matched with what the client saw.
package requestid
