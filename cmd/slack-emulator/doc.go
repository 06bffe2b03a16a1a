// Command slack-emulator serves the in-repo Slack Web API emulator on its
// own: for benchmarks, for pointing a server (SLACK_MCP_SLACK_URL) at a
// sandbox or a generated workspace of any size, and for trying OAuth mode
// and MCP authorization locally with an OAuth app registered from the
// command line (docs/07-try-locally.md). --addr fixes the address, so the
// server's settings stay valid across restarts.
package main
