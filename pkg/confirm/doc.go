// Package confirm asks the person behind an MCP client to approve a write
// before a tool changes Slack, through MCP elicitation.
//
// A tool handler calls Asker.Ask with what it is about to do. Clients that
// speak protocol 2026-07-28 get an input-required result (multi round-trip
// requests) and retry the call with the answer and a signed request state,
// so any replica can finish it; older clients that declared elicitation are
// asked by mcp-go's bridge with a server-initiated elicitation/create.
// Clients that declared no elicitation are not asked: they keep the
// behaviour they had before confirmation existed.
package confirm
