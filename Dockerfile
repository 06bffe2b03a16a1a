# syntax=docker/dockerfile:1
#
# slack-mcp-server container image.
#
#   docker build --build-arg VERSION=v1.2.3 -t slack-mcp-server .
#   docker run --rm -p 13080:13080 -e SLACK_MCP_XOXP_TOKEN=xoxp-... -e SLACK_MCP_API_KEY=... slack-mcp-server
#   docker run --rm -p 13080:13080 slack-mcp-server --demo --transport http   # sandbox, no token
#   docker run --rm -i slack-mcp-server --demo --transport stdio              # stdio for local clients
#   docker run -d -p 13080:13080 --env-file oauth.env -v slack-mcp-data:/data slack-mcp-server   # OAuth mode (docs/03-deployment.md)
#
# The default command serves Streamable HTTP on 0.0.0.0:13080 at /mcp
# (--transport sse serves /sse and /message instead). Set SLACK_MCP_API_KEY
# whenever the port is reachable by anyone but you.

# ---- build ------------------------------------------------------------------
# Go version matches the go line of go.mod.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src

# Modules first, so that source edits do not re-download them.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath \
      -ldflags "-s -w -X github.com/slack-mcp-server/slack-mcp-server/pkg/version.Version=${VERSION}" \
      -o /out/slack-mcp-server ./cmd/slack-mcp-server
# The OAuth store's directory, copied below owned by the runtime user:
# the runtime image has no shell to create it.
RUN mkdir -p /out/data

# ---- runtime ----------------------------------------------------------------
# Static binary on distroless: no shell, no package manager, CA certificates
# and tzdata included, runs as the unprivileged "nonroot" user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="slack-mcp-server" \
      org.opencontainers.image.description="MCP server for Slack: stdio, SSE and Streamable HTTP" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/slack-mcp-server/slack-mcp-server"

COPY --from=build /out/slack-mcp-server /slack-mcp-server
# /data holds the OAuth mode token store (SLACK_MCP_DATA_DIR). It belongs
# to the runtime user with mode 0700, as the store wants, and a named
# volume mounted here starts with that owner and mode (Docker copies them
# from the image into an empty named volume). Without a volume the store
# lives in the container and is lost with it.
COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /data
ENV SLACK_MCP_DATA_DIR=/data

# Listen on every interface of the container; the default outside a
# container is 127.0.0.1. SLACK_MCP_PORT defaults to 13080.
ENV SLACK_MCP_HOST=0.0.0.0
# Machines read the logs of a container: JSON on stderr.
ENV SLACK_MCP_LOG_FORMAT=json
EXPOSE 13080

# No HEALTHCHECK: distroless has no shell, curl or wget to run one, and the
# binary has no probe subcommand. Orchestrators should probe the HTTP
# endpoint instead: GET /health on port 13080 answers 200 with a JSON body
# ({"status":"ok","version":...,"mode":...,"caches":...}) and needs no API
# key. Kubernetes example:
#   livenessProbe:  { httpGet: { path: /health, port: 13080 } }
#   readinessProbe: { httpGet: { path: /readyz, port: 13080 } }   (the store or the token answers)
# (With --transport stdio there is no port and nothing to probe.)

USER 65532:65532
ENTRYPOINT ["/slack-mcp-server"]
CMD ["--transport", "http"]
