package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/admin"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tracing"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// config is everything read from flags and the environment. Only this
// package reads them; the rest of the code takes Options structs.
type config struct {
	Transport    string
	Demo         bool
	NoToken      bool
	ShowVersion  bool
	Reseal       bool // --reseal: re-seal stored tokens under the primary key and exit
	EnabledTools []string

	XOXP, XOXB, XOXC, XOXD string
	SlackURL               string
	Proxy, UserAgent, CA   string
	TeamID                 string // SLACK_MCP_TEAM_ID: workspace of org-wide tokens

	Host   string
	Port   int
	APIKey string
	// SessionSecret keys MCP session IDs (SLACK_MCP_SESSION_SECRET); see
	// sessionSecret for what it defaults to.
	SessionSecret string
	// Toolsets narrow the served tools (SLACK_MCP_TOOLSETS; server.Narrow).
	Toolsets []string
	// Tracing is on when an OTLP endpoint is configured (pkg/tracing).
	Tracing bool
	// MetricsAddr serves /metrics on its own listener
	// (SLACK_MCP_METRICS_ADDR); empty serves it on the main one.
	MetricsAddr    string
	AllowedHosts   []string
	AllowedOrigins []string

	// Tools holds the write tools' channel lists, unfurling and upload
	// limits; policy() completes it.
	Tools tools.Policy
	// ConfirmWrites is SLACK_MCP_CONFIRM_WRITES: ask the person before
	// writes when the client supports elicitation.
	ConfirmWrites confirm.Mode
	// NonMarketplace applies Slack's limits for commercially distributed
	// apps not approved for the Marketplace (history and replies: 1 call a
	// minute, 15 messages a page).
	NonMarketplace bool
	// Pacing is when Slack calls wait for their method's documented limit
	// (SLACK_MCP_PACING: adaptive, the default, or tiers).
	Pacing    slackapi.Pacing
	OpenGates map[tools.Gate]bool

	UsersCache, ChannelsCache, CacheDir string
	CacheTTL                            time.Duration
	ShutdownTimeout                     time.Duration

	LogLevel, LogFormat string

	OAuth  oauthConfig
	Net    netConfig
	Compat compatConfig
}

// oauthConfig is multi-tenant OAuth mode (SLACK_MCP_OAUTH_ENABLED).
type oauthConfig struct {
	Enabled          bool
	ClientID, Secret string
	RedirectURI      string
	Scopes           []string // nil: derived from the enabled tools
	EncryptionKey    string
	DataDir          string
	StorePath        string
	// DatabaseURL selects PostgreSQL (SLACK_MCP_DATABASE_URL) for several
	// replicas; empty keeps the SQLite file at StorePath.
	DatabaseURL       string
	PublicURL         string
	ReturnOrigins     []string
	AcceptSlackTokens bool
	ValidationTTL     time.Duration
	TokenHashKey      string
	// CIMDAllowPrivate lets client metadata documents live on private
	// addresses: for tests and closed networks only.
	CIMDAllowPrivate bool
	// SlackPKCE sends PKCE to Slack on the Slack leg; the Slack app must
	// have PKCE enabled.
	SlackPKCE bool
	// Admins (SLACK_MCP_ADMINS) and AdminToken (SLACK_MCP_ADMIN_TOKEN)
	// open /api/admin.
	Admins     []admin.Person
	AdminToken string
}

// parseConfig reads flags and env, reporting every problem at once.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	c := &config{OpenGates: map[tools.Gate]bool{}}
	fs := flag.NewFlagSet("slack-mcp-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints --help and flag errors itself
	fs.StringVar(&c.Transport, "transport", "stdio", "transport: stdio, sse or http")
	fs.StringVar(&c.Transport, "t", "stdio", "shorthand for --transport")
	enabled := fs.String("enabled-tools", getenv("SLACK_MCP_ENABLED_TOOLS"), "comma-separated tool names to expose (default: all read tools plus enabled write tools)")
	fs.StringVar(enabled, "e", getenv("SLACK_MCP_ENABLED_TOOLS"), "shorthand for --enabled-tools")
	fs.BoolVar(&c.Compat.NoCache, "no-cache", false, "do not load the users and channels directories at start; they load on the first tool call")
	fs.BoolVar(&c.Demo, "demo", envBool(getenv("SLACK_MCP_DEMO")), "run against the built-in sandbox workspace (no Slack account needed)")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")
	fs.BoolVar(&c.Reseal, "reseal", false, "OAuth mode: seal every stored Slack token again under the first key of SLACK_MCP_ENCRYPTION_KEY, report, and exit")
	if err := fs.Parse(args); err != nil {
		return nil, parseFlagsError(fs, err)
	}
	var errs []error
	c.Transport = strings.ToLower(strings.TrimSpace(c.Transport))
	switch c.Transport {
	case transport.Stdio, transport.SSE, transport.HTTP:
	default:
		errs = append(errs, fmt.Errorf("--transport %q: use stdio, sse or http", c.Transport))
	}
	for _, n := range strings.Split(*enabled, ",") {
		if n = strings.TrimSpace(n); n != "" {
			c.EnabledTools = append(c.EnabledTools, n)
		}
	}

	c.XOXP, c.XOXB = getenv("SLACK_MCP_XOXP_TOKEN"), getenv("SLACK_MCP_XOXB_TOKEN")
	c.XOXC, c.XOXD = getenv("SLACK_MCP_XOXC_TOKEN"), getenv("SLACK_MCP_XOXD_TOKEN")
	if (c.XOXC == "") != (c.XOXD == "") {
		errs = append(errs, errors.New("SLACK_MCP_XOXC_TOKEN and SLACK_MCP_XOXD_TOKEN must be set together (the xoxd value is the browser's d cookie)"))
	}
	c.SlackURL = strings.TrimRight(getenv("SLACK_MCP_SLACK_URL"), "/")
	if envBool(getenv("SLACK_MCP_GOVSLACK")) {
		if c.SlackURL != "" && c.SlackURL != "https://slack-gov.com" {
			errs = append(errs, errors.New("SLACK_MCP_GOVSLACK=true conflicts with SLACK_MCP_SLACK_URL; set only one"))
		}
		c.SlackURL = "https://slack-gov.com"
	}
	if c.SlackURL == "" {
		c.SlackURL = "https://slack.com"
	}
	c.Proxy, c.UserAgent, c.CA = getenv("SLACK_MCP_PROXY"), getenv("SLACK_MCP_USER_AGENT"), getenv("SLACK_MCP_SERVER_CA")
	if id, err := parseTeamID(getenv("SLACK_MCP_TEAM_ID")); err != nil {
		errs = append(errs, err)
	} else {
		c.TeamID = id
	}

	c.Host = getenv("SLACK_MCP_HOST")
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	c.Port = 13080
	if v := getenv("SLACK_MCP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_PORT %q: must be a port number 0-65535", v))
		}
		c.Port = p
	}
	for _, h := range strings.Split(getenv("SLACK_MCP_ALLOWED_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.AllowedHosts = append(c.AllowedHosts, h)
		}
	}
	for _, o := range strings.Split(getenv("SLACK_MCP_ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	c.SessionSecret = getenv("SLACK_MCP_SESSION_SECRET")
	c.Toolsets = strings.Split(getenv("SLACK_MCP_TOOLSETS"), ",")
	c.Tracing = tracing.Enabled(getenv)
	c.MetricsAddr = strings.TrimSpace(getenv("SLACK_MCP_METRICS_ADDR"))
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("SLACK_MCP_METRICS_ADDR %q: want host:port, e.g. 127.0.0.1:9090", c.MetricsAddr))
		}
	}
	c.APIKey = getenv("SLACK_MCP_API_KEY")
	if c.APIKey == "" {
		c.APIKey = getenv("SLACK_MCP_SSE_API_KEY") // the incumbent's older name
	}

	var err error
	for _, g := range tools.ChannelGates {
		v := getenv(string(g))
		if v == "" && g == tools.GateReactions {
			// Reactions follow SLACK_MCP_ADD_MESSAGE_TOOL unless set, as in
			// the incumbent.
			c.Tools.Reactions = c.Tools.AddMessage
			continue
		}
		if *c.Tools.Channels(g), err = tools.ParseChannelPolicy(string(g), v); err != nil {
			errs = append(errs, err)
		}
	}
	c.Tools.Unfurl = tools.ParseUnfurlPolicy(getenv("SLACK_MCP_ADD_MESSAGE_UNFURLING"))
	c.Tools.UploadDir = getenv("SLACK_MCP_UPLOAD_DIR")
	if c.Tools.UploadDir != "" {
		if st, err := os.Stat(c.Tools.UploadDir); err != nil || !st.IsDir() || !filepath.IsAbs(c.Tools.UploadDir) {
			errs = append(errs, fmt.Errorf("SLACK_MCP_UPLOAD_DIR %q: want the absolute path of an existing directory", c.Tools.UploadDir))
		}
	}
	c.Tools.UploadMaxBytes = defaultUploadMaxBytes
	if v := getenv("SLACK_MCP_UPLOAD_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_UPLOAD_MAX_BYTES %q: want a positive number of bytes", v))
		}
		c.Tools.UploadMaxBytes = n
	}
	if c.ConfirmWrites, err = confirm.ParseMode(getenv("SLACK_MCP_CONFIRM_WRITES")); err != nil {
		errs = append(errs, err)
	}
	c.NonMarketplace = envBool(getenv("SLACK_MCP_NON_MARKETPLACE_LIMITS"))
	switch v := strings.ToLower(strings.TrimSpace(getenv("SLACK_MCP_PACING"))); v {
	case "", "adaptive":
		c.Pacing = slackapi.PaceAfterPushback
	case "tiers":
		c.Pacing = slackapi.PaceAlways
	default:
		errs = append(errs, fmt.Errorf("SLACK_MCP_PACING %q: use adaptive (send freely until Slack answers 429, then pace at the documented tier) or tiers (pace at the documented tiers from the first call)", v))
	}
	for _, g := range tools.Gates() {
		if tools.IsChannelGate(g) {
			c.OpenGates[g] = c.Tools.Channels(g).Enabled
		} else {
			c.OpenGates[g] = envBool(getenv(string(g)))
		}
	}
	// A write tool named in --enabled-tools without its own setting acts in
	// every channel, as the incumbent does.
	for _, g := range server.Gates(tools.Catalog(), c.EnabledTools) {
		if p := c.Tools.Channels(g); p != nil && !p.Enabled {
			*p = tools.AllChannels()
		}
	}

	c.UsersCache, c.ChannelsCache = getenv("SLACK_MCP_USERS_CACHE"), getenv("SLACK_MCP_CHANNELS_CACHE")
	if dir, err := os.UserCacheDir(); err == nil {
		c.CacheDir = filepath.Join(dir, "slack-mcp-server")
	}
	c.CacheTTL = time.Hour
	if v := getenv("SLACK_MCP_CACHE_TTL"); v != "" {
		if c.CacheTTL, err = parseDuration(v); err != nil || c.CacheTTL <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_CACHE_TTL %q: use a duration such as 30m, 1h or 3600 (seconds)", v))
		}
	}
	c.ShutdownTimeout = 10 * time.Second
	if v := getenv("SLACK_MCP_SHUTDOWN_TIMEOUT"); v != "" {
		if c.ShutdownTimeout, err = parseDuration(v); err != nil || c.ShutdownTimeout <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_SHUTDOWN_TIMEOUT %q: use a duration such as 10s", v))
		}
	}
	c.LogLevel = strings.ToLower(getenv("SLACK_MCP_LOG_LEVEL"))
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error", "fatal", "panic", "disabled":
	default:
		errs = append(errs, fmt.Errorf("SLACK_MCP_LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel))
	}
	c.LogFormat = strings.ToLower(getenv("SLACK_MCP_LOG_FORMAT"))
	switch c.LogFormat {
	case "", "json", "console":
	default:
		errs = append(errs, fmt.Errorf("SLACK_MCP_LOG_FORMAT %q: use json or console", c.LogFormat))
	}

	errs = append(errs, c.parseCompat(getenv)...)
	errs = append(errs, c.parseOAuth(getenv)...)
	errs = append(errs, c.parseNet(getenv)...)
	if c.Reseal && !c.OAuth.Enabled {
		errs = append(errs, errors.New("--reseal re-seals the OAuth token store: set SLACK_MCP_OAUTH_ENABLED=true and the OAuth settings the server runs with"))
	}

	// With no token at all the server runs the sandbox, so a first run
	// works without a Slack account; it says so loudly at start.
	if c.XOXP == "" && c.XOXB == "" && c.XOXC == "" && c.XOXD == "" && !c.OAuth.Enabled {
		c.Demo, c.NoToken = true, true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// policy is what tool handlers enforce.
func (c *config) policy() tools.Policy {
	p := c.Tools
	p.MarkAfterPost = c.Compat.MarkAfterPost
	if c.NonMarketplace {
		p.HistoryPageMax = nonMarketplacePage
	}
	return p
}

// defaultUploadMaxBytes caps one files_upload unless
// SLACK_MCP_UPLOAD_MAX_BYTES says otherwise.
const defaultUploadMaxBytes = 25 << 20

// nonMarketplacePage is Slack's page limit of conversations.history and
// conversations.replies for non-Marketplace commercial apps (2025-05-29).
const nonMarketplacePage = 15

// token picks the credentials the incumbent's way: xoxp > xoxb > xoxc/xoxd,
// and names the variable it came from for error messages.
func (c *config) token() (token, cookie, variable string) {
	switch {
	case c.XOXP != "":
		return c.XOXP, "", "SLACK_MCP_XOXP_TOKEN"
	case c.XOXB != "":
		return c.XOXB, "", "SLACK_MCP_XOXB_TOKEN"
	default:
		return c.XOXC, c.XOXD, "SLACK_MCP_XOXC_TOKEN"
	}
}

func (c *config) addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

func envBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// parseDuration accepts Go durations and plain seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(v)
}

func (c *config) parseOAuth(getenv func(string) string) []error {
	o := &c.OAuth
	o.Enabled = envBool(getenv("SLACK_MCP_OAUTH_ENABLED"))
	if !o.Enabled {
		return nil
	}
	var errs []error
	if c.Transport == transport.Stdio && !c.Reseal {
		errs = append(errs, errors.New("SLACK_MCP_OAUTH_ENABLED needs --transport sse or http: OAuth mode serves many people over HTTP, stdio serves one"))
	}
	if c.APIKey != "" {
		errs = append(errs, errors.New("SLACK_MCP_API_KEY cannot be combined with OAuth mode: there the Authorization header carries each person's own token"))
	}
	o.ClientID, o.Secret = getenv("SLACK_MCP_OAUTH_CLIENT_ID"), getenv("SLACK_MCP_OAUTH_CLIENT_SECRET")
	if o.ClientID == "" {
		errs = append(errs, errors.New("SLACK_MCP_OAUTH_CLIENT_ID is required in OAuth mode (Basic Information of your Slack app)"))
	}
	if o.Secret == "" {
		errs = append(errs, errors.New("SLACK_MCP_OAUTH_CLIENT_SECRET is required in OAuth mode"))
	}
	o.RedirectURI = getenv("SLACK_MCP_OAUTH_REDIRECT_URI")
	if o.RedirectURI == "" {
		errs = append(errs, errors.New("SLACK_MCP_OAUTH_REDIRECT_URI is required in OAuth mode, e.g. https://mcp.example.com/oauth/callback (also registered in the Slack app)"))
	} else if err := checkPublicURL(o.RedirectURI); err != nil {
		errs = append(errs, fmt.Errorf("SLACK_MCP_OAUTH_REDIRECT_URI: %w", err))
	}
	if v := getenv("SLACK_MCP_OAUTH_SCOPES"); v != "" {
		for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			o.Scopes = append(o.Scopes, sc)
		}
	}
	o.EncryptionKey = getenv("SLACK_MCP_ENCRYPTION_KEY")
	if o.EncryptionKey == "" {
		errs = append(errs, errors.New("SLACK_MCP_ENCRYPTION_KEY is required in OAuth mode: Slack tokens are encrypted at rest; generate one with: openssl rand -base64 32"))
	}
	o.DataDir = getenv("SLACK_MCP_DATA_DIR")
	if o.DataDir == "" {
		if dir, err := os.UserConfigDir(); err == nil {
			o.DataDir = filepath.Join(dir, "slack-mcp-server")
		}
	}
	o.StorePath = getenv("SLACK_MCP_STORE_PATH")
	if o.StorePath == "" && o.DataDir != "" {
		o.StorePath = filepath.Join(o.DataDir, "slack-mcp.db")
	}
	if o.DatabaseURL = strings.TrimSpace(getenv("SLACK_MCP_DATABASE_URL")); o.DatabaseURL != "" && !store.IsPostgresURL(o.DatabaseURL) {
		errs = append(errs, errors.New("SLACK_MCP_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); leave it unset to use the SQLite file at SLACK_MCP_STORE_PATH"))
	}
	o.PublicURL = strings.TrimRight(getenv("SLACK_MCP_PUBLIC_URL"), "/")
	if o.PublicURL == "" && o.RedirectURI != "" {
		if u, err := url.Parse(o.RedirectURI); err == nil {
			o.PublicURL = u.Scheme + "://" + u.Host
		}
	} else if o.PublicURL != "" {
		if err := checkPublicURL(o.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("SLACK_MCP_PUBLIC_URL: %w", err))
		}
	}
	for _, origin := range strings.Split(getenv("SLACK_MCP_OAUTH_ALLOWED_RETURN_ORIGINS"), ",") {
		if origin = strings.TrimSpace(origin); origin != "" {
			o.ReturnOrigins = append(o.ReturnOrigins, origin)
		}
	}
	o.AcceptSlackTokens = true
	if v := getenv("SLACK_MCP_ACCEPT_SLACK_TOKENS"); v != "" {
		o.AcceptSlackTokens = envBool(v)
	}
	o.TokenHashKey = getenv("SLACK_MCP_TOKEN_HASH_KEY")
	var err error
	if o.Admins, err = admin.ParseAdmins(getenv("SLACK_MCP_ADMINS")); err != nil {
		errs = append(errs, err)
	}
	if o.AdminToken = getenv("SLACK_MCP_ADMIN_TOKEN"); o.AdminToken != "" && len(o.AdminToken) < 32 {
		errs = append(errs, fmt.Errorf("SLACK_MCP_ADMIN_TOKEN: use at least 32 random characters (openssl rand -base64 32)"))
	}
	o.CIMDAllowPrivate = envBool(getenv("SLACK_MCP_OAUTH_CIMD_ALLOW_PRIVATE"))
	o.SlackPKCE = envBool(getenv("SLACK_MCP_OAUTH_SLACK_PKCE"))
	o.ValidationTTL = 10 * time.Minute
	if v := getenv("SLACK_MCP_TOKEN_CACHE_TTL"); v != "" {
		var err error
		if o.ValidationTTL, err = parseDuration(v); err != nil || o.ValidationTTL <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_TOKEN_CACHE_TTL %q: use a duration such as 10m", v))
		}
	}
	return errs
}

// checkPublicURL requires https, except for loopback hosts in development.
func checkPublicURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return fmt.Errorf("%q must use https (plain http is allowed only for localhost and loopback addresses)", raw)
		}
	}
	return nil
}
