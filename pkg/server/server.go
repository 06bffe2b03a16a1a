package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/metrics"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/requestid"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/textsafe"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tracing"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/version"
)

// Options configure the server.
type Options struct {
	Provider tools.Provider
	Policy   tools.Policy
	// Selection is which tools are served (Select); nil serves the
	// catalog's defaults, the tools no gate guards.
	Selection *Selection
	// Workspace, when known at start (single-user mode), adds concrete
	// directory resources to resources/list.
	Workspace    string
	Instructions string
	Logger       zerolog.Logger
	Now          func() time.Time
	// Confirm asks the person before writes (SLACK_MCP_CONFIRM_WRITES);
	// nil never asks.
	Confirm *confirm.Asker
	// Audit, when set, receives one record per call of a tool that
	// changes Slack (OAuth mode writes them to the store's audit log).
	Audit func(ctx context.Context, r AuditRecord)
	// Sandbox says the provider serves the demo sandbox: write tools then
	// say that they change only the sandbox (tools.Tool.ForSandbox).
	Sandbox bool
	// Metrics counts tool calls by tool and outcome; nil counts nothing.
	Metrics *metrics.Metrics
	// WorkspaceRules returns a workspace's admin policy (OAuth mode),
	// which narrows Policy; nil: none.
	WorkspaceRules tools.WorkspaceRulesFunc
	// CountCall, when set, is told the workspace of every tool call (the
	// admin page's per-workspace counts).
	CountCall func(teamID string)
	// WorkspaceArg shows the optional workspace argument in every tool's
	// schema to callers who reach several workspaces (OAuth mode); the
	// others never see it. The argument is honoured either way.
	WorkspaceArg bool
}

// AuditRecord says who changed what: never message text.
type AuditRecord struct {
	Tool         string
	EnterpriseID string
	TeamID       string
	UserID       string
	Channel      string
	MessageTS    string
	Outcome      string
}

// Server is the MCP server plus what graceful shutdown needs.
type Server struct {
	MCP   *mcpserver.MCPServer
	Tools []tools.Tool
	deps  *tools.Deps
	audit func(context.Context, AuditRecord)
	// countCall counts tool calls per workspace (Options.CountCall).
	countCall func(teamID string)
	metrics   *metrics.Metrics
	log       zerolog.Logger
	inflight  sync.WaitGroup
	draining  atomic.Bool
	// selection is what this server serves; narrow caches its narrowings
	// by URL (narrow.go).
	selection *Selection
	narrow    narrowings
	// several remembers, per caller, whether it reaches several
	// workspaces (workspacearg.go); nil: the argument is never shown.
	several *severalCache
}

// New builds the server.
func New(o Options) (*Server, error) {
	if o.Selection == nil {
		def, err := Select(tools.Catalog(), nil, nil)
		if err != nil {
			return nil, err
		}
		o.Selection = def
	}
	selected := o.Selection.Tools()
	if o.Provider == nil {
		return nil, errors.New("server: no Slack session provider")
	}
	s := &Server{
		Tools:     selected,
		selection: o.Selection,
		log:       o.Logger,
		audit:     o.Audit,
		countCall: o.CountCall,
		metrics:   o.Metrics,
		several:   newSeveralCache(o.WorkspaceArg, o.Now),
		deps: &tools.Deps{Provider: o.Provider, Policy: o.Policy, Logger: o.Logger, Now: o.Now, Confirm: o.Confirm,
			Workspace: o.WorkspaceRules},
	}
	opts := []mcpserver.ServerOption{
		mcpserver.WithToolCapabilities(false),
		mcpserver.WithResourceCapabilities(false, false),
		mcpserver.WithLogging(),
		mcpserver.WithRecovery(),
		mcpserver.WithToolFilter(s.filterTools),
	}
	if o.Instructions != "" {
		opts = append(opts, mcpserver.WithInstructions(o.Instructions))
	}
	s.MCP = mcpserver.NewMCPServer(version.Name, version.Version, opts...)
	for _, t := range selected {
		if o.Sandbox {
			t = t.ForSandbox()
		}
		s.MCP.AddTool(t.MCPTool(), s.wrap(t))
	}
	s.addResources(o.Workspace)
	return s, nil
}

// Drain stops accepting tool calls and waits for the ones in flight, until
// ctx ends.
func (s *Server) Drain(ctx context.Context) error {
	s.draining.Store(true)
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("tool calls still running at shutdown: %w", ctx.Err())
	}
}

// wrap is the one middleware chain of every tool.
func (s *Server) wrap(t tools.Tool) mcpserver.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		if s.draining.Load() {
			return mcp.NewToolResultError("the server is shutting down; retry in a moment"), nil
		}
		if ok, why := s.servedHere(ctx, t.Name); !ok {
			return mcp.NewToolResultError(why), nil
		}
		s.inflight.Add(1)
		defer s.inflight.Done()
		// The HTTP request's ID (pkg/requestid), or one of this call's own
		// over stdio; the Slack calls of the tool log it too.
		reqID := requestid.From(ctx)
		if reqID == "" {
			reqID = requestid.New()
			ctx = requestid.With(ctx, reqID)
		}
		start := time.Now()
		outcome := "ok"
		ctx, span := tracing.Tracer().Start(ctx, "tool "+t.Name, trace.WithAttributes(attribute.String("mcp.tool", t.Name)))
		defer func() {
			span.SetAttributes(attribute.String("mcp.outcome", outcome))
			if outcome != "ok" {
				span.SetStatus(codes.Error, outcome)
			}
			span.End()
		}()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error().Str("request_id", reqID).Str("tool", t.Name).Interface("panic", p).Msg("tool panicked")
				res, err, outcome = mcp.NewToolResultError("internal error (request id "+reqID+")"), nil, "panic"
			}
			took := time.Since(start)
			if s.countCall != nil {
				if sess, err := s.deps.Provider.Session(ctx); err == nil && sess.Client != nil {
					s.countCall(sess.Client.Identity.TeamID)
				}
			}
			s.log.Info().Str("request_id", reqID).Str("tool", t.Name).Dur("duration_ms", took).Str("outcome", outcome).Msg("tool call")
			s.metrics.ToolCall(t.Name, outcome, took)
		}()
		if s.log.GetLevel() <= zerolog.DebugLevel {
			s.log.Debug().Str("request_id", reqID).Str("tool", t.Name).Strs("args", argNames(req.GetArguments())).Msg("tool arguments")
		}
		if s.audit != nil && !t.ReadOnly {
			defer func() {
				if outcome != "confirm_asked" { // audited when the answer comes back
					s.audit(ctx, s.auditRecord(ctx, t, res, outcome))
				}
			}()
		}
		ctx = confirm.WithCall(ctx, t.Name, req.GetArguments(), req.Params.MultiRoundTripParams)
		args, wsArg, err := workspaceArg(req.GetArguments())
		if err == nil {
			// Everything after this, the deferred counting and audit
			// included, acts in the chosen workspace.
			var in context.Context
			if in, err = tools.InWorkspace(ctx, s.deps, wsArg); err == nil {
				ctx = in
			}
		}
		// A workspace admin's policy can close a write tool for its people.
		var gated context.Context
		if err == nil {
			if gated, err = tools.GateOpen(ctx, s.deps, t.Gate); err == nil {
				res, err = t.Handler(gated, s.deps, args)
			}
		}
		if err == nil {
			return safeResult(res), nil
		}
		var ask *confirm.InputRequired
		if errors.As(err, &ask) {
			outcome = "confirm_asked"
			return ask.Result, nil
		}
		if errors.Is(err, confirm.ErrDeclined) {
			// Not an error: the model should not retry what the person refused.
			outcome = "declined"
			return mcp.NewToolResultText("The person declined this change, so nothing was changed in Slack. Do not retry it unless they ask again."), nil
		}
		if inv, ok := s.deps.Provider.(interface{ Invalidate(context.Context) }); ok && slackapi.IsAuthFailure(err) {
			inv.Invalidate(ctx) // multi-user mode: the caller's token is dead, validate it again next time
		}
		var in *tools.InputError
		if errors.As(err, &in) {
			outcome = "input_error"
			return mcp.NewToolResultError(in.Msg), nil
		}
		if msg, userFacing := slackapi.Explain(err); userFacing {
			outcome = "slack_error"
			return mcp.NewToolResultError(msg), nil
		}
		if ctx.Err() != nil {
			outcome = "cancelled"
			return mcp.NewToolResultError("the call was cancelled"), nil
		}
		outcome = "error"
		s.log.Error().Err(err).Str("request_id", reqID).Str("tool", t.Name).Msg("tool failed")
		return mcp.NewToolResultError("internal error while talking to Slack (request id " + reqID + "); try again later"), nil
	}
}

// auditRecord collects who called a write tool and where it acted, from
// the caller's session and the tool's structured result.
func (s *Server) auditRecord(ctx context.Context, t tools.Tool, res *mcp.CallToolResult, outcome string) AuditRecord {
	r := AuditRecord{Tool: t.Name, Outcome: outcome}
	if sess, err := s.deps.Provider.Session(ctx); err == nil && sess.Client != nil {
		id := sess.Client.Identity
		r.EnterpriseID, r.TeamID, r.UserID = id.EnterpriseID, id.TeamID, id.UserID
	}
	if res != nil && res.StructuredContent != nil {
		var fields struct {
			Channel   string `json:"channel"`
			TS        string `json:"ts"`
			Timestamp string `json:"timestamp"`
		}
		if raw, err := json.Marshal(res.StructuredContent); err == nil && json.Unmarshal(raw, &fields) == nil {
			r.Channel, r.MessageTS = fields.Channel, fields.TS
			if r.MessageTS == "" {
				r.MessageTS = fields.Timestamp
			}
		}
	}
	return r
}

// workspaceArg takes the workspace argument out of args (tools never see
// it) and returns what remains.
func workspaceArg(args map[string]any) (tools.Args, string, error) {
	v, ok := args[tools.WorkspaceArg]
	if !ok {
		return tools.Args(args), "", nil
	}
	ws, isString := v.(string)
	if !isString && v != nil {
		return nil, "", tools.Inputf("workspace must be a string: a team ID, domain or name")
	}
	rest := make(map[string]any, len(args)-1)
	for k, val := range args {
		if k != tools.WorkspaceArg {
			rest[k] = val
		}
	}
	return tools.Args(rest), ws, nil
}

// argNames logs which arguments were given, never their values (message
// text and queries stay out of logs).
func argNames(args map[string]any) []string {
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// safeResult removes from what a tool returns the characters a person
// cannot see (pkg/textsafe): Slack text is untrusted input to the model.
// Every tool's text carries the Slack strings its structured content
// holds (the CSV has a column per field), so the structured content is
// re-encoded clean only when the text had something to clean: the common
// clean result costs one scan of its text.
func safeResult(res *mcp.CallToolResult) *mcp.CallToolResult {
	if res == nil {
		return nil
	}
	dirty := false
	for i, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok && textsafe.Dirty(tc.Text) {
			tc.Text = textsafe.Clean(tc.Text)
			res.Content[i] = tc
			dirty = true
		}
	}
	if dirty && res.StructuredContent != nil {
		if raw, err := json.Marshal(res.StructuredContent); err == nil {
			raw, _ = textsafe.CleanJSON(raw)
			res.StructuredContent = json.RawMessage(raw)
		}
	}
	return res
}

func (s *Server) addResources(workspace string) {
	for _, kind := range []string{tools.DirectoryChannels, tools.DirectoryUsers} {
		desc := "Directory of " + kind + " in your Slack workspace, as CSV."
		handler := s.directoryHandler(kind)
		s.MCP.AddResourceTemplate(
			mcp.NewResourceTemplate("slack://{workspace}/"+kind, "Slack "+kind,
				mcp.WithTemplateDescription(desc), mcp.WithTemplateMIMEType("text/csv")),
			mcpserver.ResourceTemplateHandlerFunc(handler))
		if workspace != "" {
			s.MCP.AddResource(
				mcp.NewResource("slack://"+workspace+"/"+kind, "Slack "+kind,
					mcp.WithResourceDescription(desc), mcp.WithMIMEType("text/csv")),
				handler)
		}
	}
}

func (s *Server) directoryHandler(kind string) mcpserver.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		rest, ok := strings.CutPrefix(req.Params.URI, "slack://")
		ws, k, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || k != kind || ws == "" {
			return nil, fmt.Errorf("resource URI must be slack://<workspace>/%s", kind)
		}
		text, err := tools.DirectoryCSV(ctx, s.deps, ws, kind)
		if err != nil {
			var in *tools.InputError
			if errors.As(err, &in) {
				return nil, err
			}
			if msg, userFacing := slackapi.Explain(err); userFacing {
				return nil, errors.New(msg)
			}
			return nil, err
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "text/csv", Text: text}}, nil
	}
}
