// Package loopback answers one question the security checks of several
// packages ask: does a host name or address stay on this machine?
// Redirect URIs (http only for loopback), DNS-rebinding and origin checks,
// and the warning about listening beyond loopback all ask it here, so
// they cannot disagree.
package loopback
