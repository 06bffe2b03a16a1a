package main

import (
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// connectError says why the first call to Slack failed: a rejected token
// only when Slack said so, otherwise what stood in the way (DNS, TLS,
// proxy, timeout), so nobody rotates a good token over a network problem.
func connectError(variable, baseURL, fingerprint string, err error) error {
	if !slackapi.Rejected(err) {
		if what := slackapi.Unreachable(err); what != "" {
			return fmt.Errorf("could not reach Slack at %s to check %s (token %s): %s", baseURL, variable, fingerprint, what)
		}
	}
	return fmt.Errorf("%s was rejected by Slack (token %s): %s", variable, fingerprint, describe(err))
}
