package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDockerfileStoreWritableByNonRoot: Docker is not available to the
// tests, so the image's promises are read from the Dockerfile. The
// runtime stage runs as the non-root user 65532, and the OAuth store's
// default directory in the image, /data, is created owned by that user
// with mode 0700 (an empty named volume mounted there inherits both), as
// docs/03-deployment.md says.
func TestDockerfileStoreWritableByNonRoot(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	stages := strings.Split(string(b), "\nFROM ")
	runtime := stages[len(stages)-1]

	users := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(runtime, -1)
	require.NotEmpty(t, users, "the runtime stage sets USER")
	user := users[len(users)-1][1]
	require.Equal(t, "65532:65532", user, "runs as distroless nonroot")

	require.Regexp(t, `(?m)^COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /data$`, runtime)
	require.Regexp(t, `(?m)^RUN mkdir -p /out/data$`, stages[len(stages)-2])
	require.Regexp(t, `(?m)^ENV SLACK_MCP_DATA_DIR=/data$`, runtime)

	doc, err := os.ReadFile("../../docs/03-deployment.md")
	require.NoError(t, err)
	for _, s := range []string{"-v slack-mcp-data:/data", "65532", "SLACK_MCP_TRUSTED_PROXIES", "--env-file oauth.env", "SLACK_MCP_PUBLIC_URL"} {
		require.Contains(t, string(doc), s)
	}
}
