// Command slack-emulator serves the in-repo Slack Web API emulator on its
// own, for benchmarks and for pointing a server (SLACK_MCP_SLACK_URL) at a
// sandbox or a generated workspace of any size.
package main
