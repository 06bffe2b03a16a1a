// Package audit writes the audit trail of the login legs (slackoauth's
// browser flow, oauthserver's MCP authorization): each event goes to the
// log and to the store, with the caller's truncated address. It never
// records secrets; callers keep tokens and message text out of Detail.
package audit
