package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"
)

// stdioRun is the whole binary (run) serving stdio to an initialized
// MCP client.
type stdioRun struct {
	ctx    context.Context
	client *client.Client
	init   *mcp.InitializeResult
	stderr *syncBuffer
	cancel context.CancelFunc
	code   chan int
}

func startStdio(t *testing.T, args []string, env map[string]string) *stdioRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	r := &stdioRun{ctx: ctx, stderr: &syncBuffer{}, cancel: cancel, code: make(chan int, 1)}
	go func() {
		r.code <- run(ctx, args, envOf(env), inR, outW, r.stderr)
		_ = outW.Close()
	}()
	r.client = client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
	require.NoError(t, r.client.Start(ctx))
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	res, err := r.client.Initialize(ctx, init)
	require.NoError(t, err)
	r.init = res
	return r
}

// stop cancels the run as SIGTERM does and returns its exit status.
func (r *stdioRun) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case got := <-r.code:
		return got
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
		return -1
	}
}
