// Package metrics is the server's Prometheus instruments and their
// /metrics handler: tool calls by tool and outcome with latency; Slack
// calls by method and status, 429s and the time spent waiting on Slack's
// limits; the login funnel (started, completed, failed by error code, time
// to complete); and gauges of the caches (tenants, sessions, validations)
// read when scraped. Labels are fixed vocabularies (tool names, Slack
// method names, outcomes, error codes): never a token, a user or team ID
// or message text, and each label's distinct values are bounded so a
// caller cannot make the series grow without end. Every method works on a
// nil *Metrics, so code under test needs no registry.
package metrics
