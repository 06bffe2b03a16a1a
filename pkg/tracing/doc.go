// Package tracing turns on OpenTelemetry traces when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is
// set: spans go by OTLP over HTTP, configured by the standard OTEL_*
// variables (headers, timeout, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER...),
// and an incoming W3C traceparent is continued. Off, the global tracer is
// OpenTelemetry's no-op and spans cost nothing. The spans themselves are
// started where the work is: Handler (one per HTTP request), pkg/server
// (one per tool call) and pkg/slackapi (one per Slack call), through
// Tracer.
package tracing
