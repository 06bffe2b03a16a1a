package tenant

// The prefixes of the bearer tokens this server issues. They tell a
// token's kind without a lookup (and keep ours apart from Slack's xox*
// tokens); the packages that issue them (slackoauth, oauthserver) and the
// ones that route them (provider, cmd) all read them here.
const (
	// PATPrefix marks personal access tokens from the browser flow.
	PATPrefix = "smcp_"
	// AccessTokenPrefix and RefreshTokenPrefix mark the tokens of our MCP
	// authorization server.
	AccessTokenPrefix  = "mcp_at_"
	RefreshTokenPrefix = "mcp_rt_"
)
