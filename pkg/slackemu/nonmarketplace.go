package slackemu

// Non-Marketplace limits (Options.NonMarketplace).
//
// docs.slack.dev/apis/web-api/rate-limits ("App types and rate limits")
// and its changelog post of 2025-05-29 ("Rate limit changes for
// non-Marketplace apps"): commercially distributed apps not approved for
// the Slack Marketplace get conversations.history and conversations.replies
// at Tier 1 (1+ per minute) with the limit argument's default and maximum
// lowered to 15; internal apps and Marketplace apps keep the usual tiers.
// Slack does not say whether a larger limit is refused or lowered; we
// lower it, as Slack does for other methods' maxima ("Fewer than the
// requested number of items may be returned").

// nonMarketplacePage is the page size of history and replies under those
// limits.
const nonMarketplacePage = 15

// historyTier is the tier of conversations.history and .replies.
func (s *Server) historyTier() int {
	if s.opts.NonMarketplace {
		return tier1
	}
	return tier3
}

// historyLimit reads limit for conversations.history and .replies.
func (c *call) historyLimit(def, maxLimit int) (int, error) {
	if c.s.opts.NonMarketplace {
		def, maxLimit = nonMarketplacePage, nonMarketplacePage
	}
	return c.limit(def, maxLimit)
}
