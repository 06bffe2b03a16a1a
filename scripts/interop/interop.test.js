// Interoperability test: the official MCP TypeScript SDK client against the
// slack-mcp-server binary in --demo mode (the built-in sandbox workspace),
// over stdio, Streamable HTTP and SSE.
//
// It builds nothing: SLACK_MCP_BIN names the binary (scripts/test builds it).
//
//   SLACK_MCP_BIN=/tmp/slack-mcp-server node --test interop.test.js

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createInterface } from 'node:readline';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

const BIN = process.env.SLACK_MCP_BIN;
if (!BIN) {
  throw new Error('SLACK_MCP_BIN is not set: point it at a built slack-mcp-server binary (scripts/test does this)');
}
accessSync(BIN, constants.X_OK);

const TEST_TIMEOUT = 60_000; // per test; generous for a loaded 2-core CI machine
const START_TIMEOUT = 30_000; // for the server to log "listening"
const API_KEY = 'interop-test-key-0123456789';

// Tools that must be listed: the read tools are on by default, the write
// tools are opened by --demo.
const READ_TOOLS = ['channels_list', 'conversations_history', 'conversations_replies', 'conversations_search_messages', 'users_search'];
const DEMO_WRITE_TOOLS = ['conversations_add_message', 'reactions_add', 'reactions_remove', 'attachment_get_data'];

// serverEnv is the environment of every spawned server: the sandbox needs
// no token, logs are JSON so the bound address can be read, and any real
// Slack credentials or API key of the caller are dropped.
function serverEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('SLACK_MCP_')) delete env[k];
  }
  return { ...env, SLACK_MCP_LOG_FORMAT: 'json', SLACK_MCP_LOG_LEVEL: 'info', ...extra };
}

// startHTTPServer spawns the binary with an HTTP-based transport on a free
// port and resolves once its stderr log says where it listens.
function startHTTPServer(transport, extraEnv = {}) {
  const child = spawn(BIN, ['--demo', '-t', transport], {
    env: serverEnv({ SLACK_MCP_HOST: '127.0.0.1', SLACK_MCP_PORT: '0', ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  child.stdout.on('data', (b) => logs.push(`[stdout] ${b}`));
  const lines = createInterface({ input: child.stderr });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server (-t ${transport}) did not log "listening" within ${START_TIMEOUT} ms; log:\n${logs.join('\n')}`));
    }, START_TIMEOUT);
    lines.on('line', (line) => {
      logs.push(line);
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return; // not a JSON log line
      }
      if (entry.message === 'listening' && typeof entry.addr === 'string') {
        clearTimeout(timer);
        resolve(entry.addr);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server (-t ${transport}) exited (code ${code}, signal ${signal}) before listening; log:\n${logs.join('\n')}`));
    });
  });
  return ready.then((addr) => ({ child, logs, base: `http://${addr}` }));
}

// stopProcess asks a child to stop (SIGTERM) and kills it if it lingers.
async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function newClient() {
  return new Client({ name: 'slack-mcp-server-interop', version: '0.0.0' });
}

// closeQuietly closes an SDK client; a failure to close is not the test's subject.
async function closeQuietly(client) {
  try {
    await client?.close();
  } catch {
    // ignore
  }
}

function textOf(result) {
  return (result.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

// defineProtocolTests adds the same MCP conversation for every transport.
// ctx.client is set by the caller's before hook.
function defineProtocolTests(ctx) {
  it('initializes and names the server', { timeout: TEST_TIMEOUT }, () => {
    const info = ctx.client.getServerVersion();
    assert.ok(info, 'no serverInfo after initialize');
    assert.equal(typeof info.name, 'string');
    assert.ok(info.name.length > 0, 'serverInfo.name is empty');
    const caps = ctx.client.getServerCapabilities();
    assert.ok(caps?.tools, `server does not advertise the tools capability: ${JSON.stringify(caps)}`);
  });

  it('lists the tools, each with annotations and readOnlyHint', { timeout: TEST_TIMEOUT }, async () => {
    const { tools } = await ctx.client.listTools();
    const names = tools.map((t) => t.name);
    for (const want of [...READ_TOOLS, ...DEMO_WRITE_TOOLS]) {
      assert.ok(names.includes(want), `tools/list lacks ${want}; got ${names.join(', ')}`);
    }
    for (const t of tools) {
      assert.ok(t.annotations, `tool ${t.name} has no annotations`);
      assert.equal(typeof t.annotations.readOnlyHint, 'boolean', `tool ${t.name}: annotations.readOnlyHint is not set`);
      assert.ok(t.description && t.description.length > 0, `tool ${t.name} has no description`);
      assert.equal(t.inputSchema?.type, 'object', `tool ${t.name}: inputSchema.type is not "object"`);
    }
    for (const name of READ_TOOLS) {
      const t = tools.find((x) => x.name === name);
      assert.equal(t.annotations.readOnlyHint, true, `read tool ${name} is not marked readOnlyHint: true`);
    }
  });

  it('calls channels_list', { timeout: TEST_TIMEOUT }, async () => {
    // The SDK validates structuredContent against the tool's outputSchema
    // (cached by listTools), so a schema mismatch fails here too.
    const res = await ctx.client.callTool({ name: 'channels_list', arguments: { channel_types: 'public_channel' } });
    const text = textOf(res);
    assert.notEqual(res.isError, true, `channels_list failed: ${text}`);
    assert.match(text, /#general/, `channels_list text lacks #general:\n${text}`);
    assert.ok(res.structuredContent, 'channels_list has no structuredContent');
    assert.ok(Array.isArray(res.structuredContent.items), `structuredContent.items is not an array: ${JSON.stringify(res.structuredContent)}`);
    assert.ok(
      res.structuredContent.items.some((c) => c.name === '#general'),
      `structuredContent.items lacks #general: ${JSON.stringify(res.structuredContent.items)}`,
    );
  });

  it('calls conversations_history on #general', { timeout: TEST_TIMEOUT }, async () => {
    const res = await ctx.client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '20' } });
    const text = textOf(res);
    assert.notEqual(res.isError, true, `conversations_history failed: ${text}`);
    assert.ok(text.trim().length > 0, 'conversations_history returned no text');
    assert.ok(res.structuredContent, 'conversations_history has no structuredContent');
    const { items } = res.structuredContent;
    assert.ok(Array.isArray(items), `structuredContent.items is not an array: ${JSON.stringify(res.structuredContent)}`);
    assert.ok(items.length > 0, 'conversations_history on #general returned no messages');
    assert.ok(items.length <= 20, `limit "20" returned ${items.length} messages`);
  });

  it('answers bad input with isError and a helpful message', { timeout: TEST_TIMEOUT }, async () => {
    const res = await ctx.client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '-5' } });
    const text = textOf(res);
    assert.equal(res.isError, true, `limit "-5" was accepted: ${JSON.stringify(res)}`);
    assert.match(text, /limit/i, `the error does not name the bad argument: ${text}`);
    assert.match(text, /-5|negative|count|window/i, `the error does not say what is wrong or expected: ${text}`);
    assert.doesNotMatch(text, /panic|goroutine/i, `the error leaks internals: ${text}`);
  });
}

async function assertHealth(base) {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200, `GET /health: HTTP ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  assert.equal(body.status, 'ok', `GET /health body: ${JSON.stringify(body)}`);
}

async function assertUnauthorized(res, what) {
  const body = await res.text();
  assert.equal(res.status, 401, `${what}: want HTTP 401, got ${res.status}: ${body}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${what}: 401 is not JSON`);
  let parsed;
  assert.doesNotThrow(() => {
    parsed = JSON.parse(body);
  }, `${what}: 401 body is not JSON: ${body}`);
  assert.equal(typeof parsed.error, 'string', `${what}: 401 body has no error message: ${body}`);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/i, `${what}: 401 lacks WWW-Authenticate: Bearer`);
}

const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

describe('stdio', () => {
  const ctx = {};
  const transportErrors = [];
  const stderr = [];
  let transport;

  before(async () => {
    transport = new StdioClientTransport({
      command: BIN,
      args: ['--demo', '-t', 'stdio'],
      env: serverEnv(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (b) => stderr.push(String(b)));
    ctx.client = newClient();
    // A line on stdout that is not protocol breaks the SDK's reader and
    // lands here.
    ctx.client.onerror = (err) => transportErrors.push(err);
    try {
      await ctx.client.connect(transport);
    } catch (err) {
      err.message += `\nserver stderr:\n${stderr.join('')}`;
      throw err;
    }
  });

  after(async () => {
    await closeQuietly(ctx.client); // ends stdin, then SIGTERM, then SIGKILL
    const pid = transport?.pid;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  defineProtocolTests(ctx);

  it('keeps stdout for protocol only', { timeout: TEST_TIMEOUT }, () => {
    assert.deepEqual(
      transportErrors.map((e) => e.message),
      [],
      `the stdio transport reported errors (non-protocol output on stdout?); server stderr:\n${stderr.join('')}`,
    );
  });
});

describe('streamable http', () => {
  const ctx = {};
  let server;

  before(async () => {
    server = await startHTTPServer('http');
    ctx.client = newClient();
    await ctx.client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`)));
  });

  after(async () => {
    await closeQuietly(ctx.client);
    await stopProcess(server?.child);
  });

  defineProtocolTests(ctx);

  it('serves GET /health as JSON', { timeout: TEST_TIMEOUT }, () => assertHealth(server.base));
});

describe('sse', () => {
  const ctx = {};
  let server;

  before(async () => {
    server = await startHTTPServer('sse');
    ctx.client = newClient();
    await ctx.client.connect(new SSEClientTransport(new URL(`${server.base}/sse`)));
  });

  after(async () => {
    await closeQuietly(ctx.client);
    await stopProcess(server?.child);
  });

  defineProtocolTests(ctx);

  it('serves GET /health as JSON', { timeout: TEST_TIMEOUT }, () => assertHealth(server.base));
});

describe('streamable http with SLACK_MCP_API_KEY', () => {
  let server;
  let client;

  before(async () => {
    server = await startHTTPServer('http', { SLACK_MCP_API_KEY: API_KEY });
  });

  after(async () => {
    await closeQuietly(client);
    await stopProcess(server?.child);
  });

  it('rejects a request without the key: 401, JSON body, WWW-Authenticate', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: initializeBody,
    });
    await assertUnauthorized(res, 'POST /mcp without a key');
  });

  it('rejects a wrong key', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer not-the-key',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: initializeBody,
    });
    await assertUnauthorized(res, 'POST /mcp with a wrong key');
  });

  it('keeps GET /health open without the key', { timeout: TEST_TIMEOUT }, () => assertHealth(server.base));

  it('works with the key', { timeout: TEST_TIMEOUT }, async () => {
    client = newClient();
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${API_KEY}` } },
      }),
    );
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'channels_list'), 'tools/list lacks channels_list');
    const res = await client.callTool({ name: 'channels_list', arguments: { channel_types: 'public_channel' } });
    assert.notEqual(res.isError, true, textOf(res));
    assert.match(textOf(res), /#general/);
  });
});

describe('sse with SLACK_MCP_API_KEY', () => {
  let server;
  let client;

  before(async () => {
    server = await startHTTPServer('sse', { SLACK_MCP_API_KEY: API_KEY });
  });

  after(async () => {
    await closeQuietly(client);
    await stopProcess(server?.child);
  });

  it('rejects GET /sse without the key: 401, JSON body, WWW-Authenticate', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${server.base}/sse`, { headers: { accept: 'text/event-stream' } });
    await assertUnauthorized(res, 'GET /sse without a key');
  });

  it('rejects POST /message without the key', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${server.base}/message?sessionId=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: initializeBody,
    });
    await assertUnauthorized(res, 'POST /message without a key');
  });

  it('keeps GET /health open without the key', { timeout: TEST_TIMEOUT }, () => assertHealth(server.base));

  it('works with the key', { timeout: TEST_TIMEOUT }, async () => {
    client = newClient();
    await client.connect(
      new SSEClientTransport(new URL(`${server.base}/sse`), {
        requestInit: { headers: { Authorization: `Bearer ${API_KEY}` } },
      }),
    );
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'channels_list'), 'tools/list lacks channels_list');
    const res = await client.callTool({ name: 'channels_list', arguments: { channel_types: 'public_channel' } });
    assert.notEqual(res.isError, true, textOf(res));
    assert.match(textOf(res), /#general/);
  });
});
