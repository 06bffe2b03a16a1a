// MCP Authorization end to end: the official MCP TypeScript SDK client
// (@modelcontextprotocol/sdk, its client/auth.js and the Streamable HTTP
// transport with an authProvider) is given nothing but the server's URL.
// It gets a 401, follows resource_metadata to the Protected Resource
// Metadata and the authorization server metadata, registers itself (RFC
// 7591), and starts an authorization code flow with PKCE. Headless Chromium
// plays the person: it approves our consent page, then the emulator's
// Slack page, and lands on the test's loopback redirect URI. The SDK then
// exchanges the code, lists and calls tools, refreshes when its access
// token is refused, is revoked (RFC 7009) and refused, and steps up from a
// read-only grant to slack:write after a 403 insufficient_scope.
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... [CHROMIUM_BIN=/usr/bin/chromium] node --test mcp-auth.test.js
//
// Skipped (with a message) when no Chromium is installed, except in CI
// (CI=true), where a missing browser is a failure.
//
// Step-up and SDK 1.32.2: on a 403 insufficient_scope the transport calls
// auth() again with the challenged scope, but auth() prefers a refresh
// token when the provider holds one, and a refresh cannot widen a grant
// (RFC 6749 section 6). So with a refresh token the SDK refreshes, gets
// the same 403 and gives up ("Server returned 403 after trying upscoping");
// without one it sends the person to /authorize with the larger scope. The
// step-up test asserts both, the second being the complete step-up. This
// is modelcontextprotocol/typescript-sdk#2255 (v1.x); the 2.x client
// skips the refresh when the challenge widens the scope (PR #2346).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHTTPServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort, cleanEnv, spawnUntil, stop, CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const SLACK_CLIENT_ID = 'mcp-auth-slack-app';
const SLACK_CLIENT_SECRET = 'mcp-auth-slack-secret';
const TIMEOUT = 120_000;
const BROWSER_STEP = 15_000;

if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!CHROMIUM && process.env.CI === 'true') throw new Error('Chromium is not installed (.ci/run installs Debian\'s chromium)');





// startCallbackServer is the MCP client's loopback redirect URI
// (http://127.0.0.1:<port>/callback). next() resolves with the query of
// the next request the browser makes to it.
async function startCallbackServer() {
  let waiting = [];
  const srv = createHTTPServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(u.pathname === '/callback' ? 'Authorization complete. You can close this window.' : 'not found');
    if (u.pathname !== '/callback') return;
    const q = Object.fromEntries(u.searchParams);
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(q);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${srv.address().port}/callback`,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => srv.close(resolve)),
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// TestProvider is an in-memory OAuthClientProvider of a public client
// (token_endpoint_auth_method none) with a loopback redirect URI, the
// kind Claude Code and MCP Inspector are. redirectToAuthorization hands
// the URL to the browse callback (the person) when there is one, and
// records what came back at the redirect URI.
class TestProvider {
  constructor({ redirectUrl, clientName, browse }) {
    this._redirectUrl = redirectUrl;
    this._clientName = clientName;
    this.browse = browse;
    this.authorizationUrls = [];
    this.callbacks = [];
    this.invalidated = [];
    this.registrations = 0;
    this.states = [];
  }

  get redirectUrl() { return this._redirectUrl; }

  get clientMetadata() {
    return {
      client_name: this._clientName,
      redirect_uris: [this._redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    const s = randomBytes(16).toString('base64url');
    this.states.push(s);
    return s;
  }

  clientInformation() { return this._client; }

  saveClientInformation(info) {
    this._client = info;
    this.registrations++;
  }

  tokens() { return this._tokens; }

  saveTokens(tokens) { this._tokens = tokens; }

  saveCodeVerifier(v) { this._verifier = v; }

  codeVerifier() { return this._verifier; }

  invalidateCredentials(scope) {
    this.invalidated.push(scope);
    if (scope === 'all' || scope === 'tokens') this._tokens = undefined;
    if (scope === 'all' || scope === 'client') this._client = undefined;
    if (scope === 'all' || scope === 'verifier') this._verifier = undefined;
  }

  async redirectToAuthorization(url) {
    this.authorizationUrls.push(new URL(url));
    if (this.browse) this.callbacks.push(await this.browse(new URL(url)));
  }

  // lastCode is the authorization code of the last completed browser leg,
  // after checking state and iss (RFC 9207) of the redirect.
  lastCode(issuer) {
    const cb = this.callbacks.at(-1);
    assert.ok(cb, 'the browser leg did not reach the redirect URI');
    assert.equal(cb.error, undefined, `authorization failed: ${JSON.stringify(cb)}`);
    assert.equal(cb.state, this.states.at(-1), 'state round-trips');
    assert.equal(cb.iss, issuer, 'iss names our authorization server (RFC 9207)');
    assert.ok(cb.code, 'a code');
    return cb.code;
  }
}

// recordingFetch logs "METHOD path" of every request the SDK makes.
function recordingFetch(log) {
  return (url, init) => {
    const u = new URL(String(url instanceof Request ? url.url : url));
    log.push(`${init?.method || 'GET'} ${u.pathname}`);
    return fetch(url, init);
  };
}

const HISTORY = { name: 'conversations_history', arguments: { channel_id: '#general', limit: '5' } };
const POST_MESSAGE = { name: 'conversations_add_message', arguments: { channel_id: '#general', payload: 'hello from the step-up test', content_type: 'text/plain' } };

function assertHistory(res) {
  assert.notEqual(res.isError, true, JSON.stringify(res));
  assert.match(res.content[0].text, /MsgID/);
}

describe('MCP Authorization with the TypeScript SDK client and a real browser', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let emu, server, browser, base, dataDir, callback;
  const mcpURL = () => new URL(`${base}/mcp`);

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const e = await spawnUntil(EMU, ['-oauth-client-id', SLACK_CLIENT_ID, '-oauth-client-secret', SLACK_CLIENT_SECRET, '-oauth-redirect', `${base}/oauth/callback`],
      process.env, 'stdout', (line) => (line.startsWith('http') ? line.split(' ')[0] : null));
    emu = e.child;
    dataDir = mkdtempSync(join(tmpdir(), 'smcp-mcp-auth-'));
    const s = await spawnUntil(BIN, ['-t', 'http'], cleanEnv({
      SLACK_MCP_OAUTH_ENABLED: 'true',
      SLACK_MCP_OAUTH_CLIENT_ID: SLACK_CLIENT_ID,
      SLACK_MCP_OAUTH_CLIENT_SECRET: SLACK_CLIENT_SECRET,
      SLACK_MCP_OAUTH_REDIRECT_URI: `${base}/oauth/callback`,
      SLACK_MCP_PUBLIC_URL: base,
      SLACK_MCP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SLACK_MCP_DATA_DIR: dataDir,
      SLACK_MCP_SLACK_URL: e.value,
      SLACK_MCP_PORT: String(port),
      SLACK_MCP_ADD_MESSAGE_TOOL: 'true',
      SLACK_MCP_LOG_FORMAT: 'json',
    }), 'stderr', (line) => (line.includes('"listening"') ? true : null));
    server = s.child;
    callback = await startCallbackServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
    await callback?.close();
    await stop(server);
    await stop(emu);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // person returns a browse callback: a fresh browser profile opens the
  // authorization URL, approves our consent page (checking what it says),
  // allows at the emulator's Slack page and ends at the redirect URI.
  function person({ expectPermission } = {}) {
    return async (url) => {
      const ctx = await browser.newContext();
      try {
        const page = await ctx.newPage();
        const landed = callback.next();
        const res = await page.goto(url.href);
        assert.equal(res.status(), 200, `GET /authorize: ${await res.text()}`);
        assert.equal(res.headers()['x-frame-options'], 'DENY');
        // Not frameable, and the form may post only to us (and on to Slack):
        // the clicks below prove the CSP does not break the flow.
        assert.match(res.headers()['content-security-policy'] || '', /frame-ancestors 'none'/);
        assert.match(res.headers()['content-security-policy'] || '', /form-action 'self' /);
        await page.waitForSelector('#approve', { timeout: BROWSER_STEP });
        const text = await page.textContent('body');
        assert.match(text, /MCP auth interop/, 'the consent page names the client');
        assert.match(text, /127\.0\.0\.1/, 'and where it sends you back');
        if (expectPermission) assert.match(text, expectPermission);
        await page.click('#approve');
        // The emulator's Slack authorize page.
        await page.waitForSelector('#allow', { timeout: BROWSER_STEP });
        assert.match(await page.title(), /requesting permission/);
        await page.click('#allow');
        const q = await withTimeout(landed, BROWSER_STEP, 'redirect to the client\'s loopback redirect URI');
        await page.waitForURL(/127\.0\.0\.1:\d+\/callback/, { timeout: BROWSER_STEP });
        return q;
      } finally {
        await ctx.close();
      }
    };
  }

  // connect runs the SDK's first connection: 401, discovery, registration,
  // the browser leg, finishAuth, and a second connect that succeeds.
  async function connect(provider, log) {
    const t1 = new StreamableHTTPClientTransport(mcpURL(), { authProvider: provider, fetch: recordingFetch(log) });
    const c1 = new Client({ name: 'mcp-auth-interop', version: '1.0.0' });
    await assert.rejects(c1.connect(t1), UnauthorizedError, 'the first connect needs the person');
    await t1.finishAuth(provider.lastCode(base));
    await c1.close().catch(() => {});
    const transport = new StreamableHTTPClientTransport(mcpURL(), { authProvider: provider, fetch: recordingFetch(log) });
    const client = new Client({ name: 'mcp-auth-interop', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  }

  describe('discovery, registration, PKCE, tools, refresh, revocation', () => {
    let provider, client;
    const log = [];

    before(() => {
      provider = new TestProvider({ redirectUrl: callback.url, clientName: 'MCP auth interop', browse: person() });
    });
    after(async () => { await client?.close(); });

    it('connects by URL alone and calls tools with the token our server issued', async () => {
      ({ client } = await connect(provider, log));

      // Discovery order: the 401 on /mcp, its resource_metadata (the
      // path-aware PRM), the AS metadata, registration, then the token
      // request after the browser leg.
      const first = log.indexOf('POST /mcp');
      assert.deepEqual(log.slice(first, first + 4), [
        'POST /mcp',
        'GET /.well-known/oauth-protected-resource/mcp',
        'GET /.well-known/oauth-authorization-server',
        'POST /register',
      ], log.join('\n'));
      assert.ok(log.includes('POST /token'), log.join('\n'));
      assert.equal(provider.registrations, 1);
      const reg = provider.clientInformation();
      assert.ok(reg.client_id, 'DCR returned a client_id');
      assert.deepEqual(reg.redirect_uris, [callback.url], 'DCR echoes the metadata');

      // The authorization request the SDK built from our metadata.
      assert.equal(provider.authorizationUrls.length, 1);
      const a = provider.authorizationUrls[0];
      assert.equal(`${a.origin}${a.pathname}`, `${base}/authorize`);
      const q = a.searchParams;
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('client_id'), reg.client_id);
      assert.equal(q.get('redirect_uri'), callback.url);
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
      assert.equal(q.get('resource'), `${base}/mcp`, 'resource is the PRM resource, verbatim');
      assert.equal(q.get('scope'), 'slack:read', 'scope from the 401 challenge');

      const tok = provider.tokens();
      assert.match(tok.access_token, /^mcp_at_/);
      assert.match(tok.refresh_token, /^mcp_rt_/);
      assert.match(tok.token_type, /^bearer$/i);
      assert.ok(tok.expires_in > 0 && tok.expires_in <= 3600, `expires_in ${tok.expires_in}`);
      assert.equal(tok.scope, 'slack:read');
      assert.doesNotMatch(JSON.stringify({ tok, callbacks: provider.callbacks }), /xox[a-z]-/, 'the Slack token stays on the server');

      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'conversations_history'), tools.map((t) => t.name).join(', '));
      assertHistory(await client.callTool(HISTORY));
    });

    // Sessions are bound to the caller's Slack identity, not to one access
    // token, so the new token of a refresh keeps the session (regression
    // test: they used to be bound to the token hash and died at refresh).
    it('keeps the MCP session across a refresh', async () => {
      const old = provider.tokens();
      provider.saveTokens({ ...old, access_token: `mcp_at_${randomBytes(32).toString('base64url')}` });
      try {
        assertHistory(await client.callTool(HISTORY));
      } finally {
        // The transport's guards are spent either way; later tests connect afresh.
        await client.close();
        client = undefined;
      }
    });

    it('refreshes through the SDK when the access token is refused', async () => {
      const old = provider.tokens();
      // The access token "expired": the server refuses it with 401
      // invalid_token, the SDK refreshes and retries.
      provider.saveTokens({ ...old, access_token: `mcp_at_${randomBytes(32).toString('base64url')}` });
      const tokenCalls = log.filter((l) => l === 'POST /token').length;
      client = new Client({ name: 'mcp-auth-interop', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(mcpURL(), { authProvider: provider, fetch: recordingFetch(log) }));
      assert.equal(log.filter((l) => l === 'POST /token').length, tokenCalls + 1, 'one refresh request');
      const now = provider.tokens();
      assert.match(now.access_token, /^mcp_at_/);
      assert.notEqual(now.access_token, old.access_token);
      assert.notEqual(now.refresh_token, old.refresh_token, 'the refresh token rotated');
      assert.equal(now.scope, 'slack:read');
      assert.equal(provider.authorizationUrls.length, 1, 'no new authorization');
      assertHistory(await client.callTool(HISTORY));
    });

    it('is refused after its refresh token is revoked (RFC 7009)', async () => {
      const tok = provider.tokens();
      const r = await fetch(`${base}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tok.refresh_token, token_type_hint: 'refresh_token', client_id: provider.clientInformation().client_id }),
      });
      assert.equal(r.status, 200, await r.text());

      // The access token of the revoked grant is dead too.
      const raw = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: HISTORY }),
      });
      assert.equal(raw.status, 401);
      const challenge = raw.headers.get('www-authenticate') || '';
      assert.match(challenge, /^Bearer /);
      assert.match(challenge, /error="invalid_token"/);
      assert.match(challenge, new RegExp(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`));

      // The SDK: 401, its refresh is refused (invalid_grant), it drops the
      // tokens and sends the person to authorize again.
      provider.browse = null;
      await assert.rejects(client.callTool(HISTORY), UnauthorizedError);
      const refresh = await fetch(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: provider.clientInformation().client_id }),
      });
      assert.equal(refresh.status, 400);
      assert.equal((await refresh.json()).error, 'invalid_grant');
      assert.ok(provider.invalidated.includes('tokens'), `invalidated: ${provider.invalidated}`);
      assert.equal(provider.tokens(), undefined);
      assert.equal(provider.authorizationUrls.length, 2, 'a new authorization was started');
    });
  });

  describe('step-up from slack:read to slack:write', () => {
    let provider, client;
    const log = [];

    before(() => {
      provider = new TestProvider({ redirectUrl: callback.url, clientName: 'MCP auth interop step-up', browse: person() });
    });
    after(async () => { await client?.close(); });

    it('answers a write tool called with a read-only grant with 403 insufficient_scope', async () => {
      ({ client } = await connect(provider, log));
      assert.equal(provider.tokens().scope, 'slack:read');
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'conversations_add_message'), 'SLACK_MCP_ADD_MESSAGE_TOOL=true lists the write tool');

      const r = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${provider.tokens().access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: POST_MESSAGE }),
      });
      assert.equal(r.status, 403);
      const challenge = r.headers.get('www-authenticate') || '';
      assert.match(challenge, /error="insufficient_scope"/);
      assert.match(challenge, /scope="slack:read slack:write"/);
      assert.match(challenge, new RegExp(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`));
      assert.equal((await r.json()).code, 'INSUFFICIENT_SCOPE');
    });

    it('SDK 1.32.2 with a refresh token: refreshes (same scope) and gives up', async () => {
      const tokenCalls = log.filter((l) => l === 'POST /token').length;
      await assert.rejects(client.callTool(POST_MESSAGE), (err) => {
        assert.ok(err instanceof StreamableHTTPError, String(err));
        assert.equal(err.code, 403);
        assert.match(err.message, /after trying upscoping/);
        return true;
      });
      assert.equal(log.filter((l) => l === 'POST /token').length, tokenCalls + 1, 'the SDK refreshed instead of re-authorizing');
      assert.equal(provider.tokens().scope, 'slack:read', 'a refresh cannot widen the grant');
      assert.equal(provider.authorizationUrls.length, 1);
    });

    it('SDK 1.32.2 without a refresh token: re-authorizes with slack:write, then the write succeeds', async () => {
      // A client holding only an access token: the SDK's own step-up path
      // (a fresh connection, so its one-try-per-challenge guard is clear).
      const { refresh_token: _, ...accessOnly } = provider.tokens();
      provider.saveTokens(accessOnly);
      await client.close();
      const transport = new StreamableHTTPClientTransport(mcpURL(), { authProvider: provider, fetch: recordingFetch(log) });
      client = new Client({ name: 'mcp-auth-interop', version: '1.0.0' });
      await client.connect(transport);

      provider.browse = person({ expectPermission: /Post a message \(chat:write\)/ });
      await assert.rejects(client.callTool(POST_MESSAGE), UnauthorizedError, 'the SDK sent the person to authorize');
      assert.equal(provider.authorizationUrls.length, 2);
      const q = provider.authorizationUrls[1].searchParams;
      assert.equal(q.get('scope'), 'slack:read slack:write', 'the scope of the 403 challenge');
      assert.equal(q.get('resource'), `${base}/mcp`);
      assert.equal(provider.registrations, 1, 'the registered client is reused');

      await transport.finishAuth(provider.lastCode(base));
      assert.equal(provider.tokens().scope, 'slack:read slack:write');
      // Reconnect with the new token, as the SDK's OAuth example does after
      // finishAuth (the old session belongs to the old token).
      await client.close();
      client = new Client({ name: 'mcp-auth-interop', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(mcpURL(), { authProvider: provider, fetch: recordingFetch(log) }));
      const res = await client.callTool(POST_MESSAGE);
      assert.notEqual(res.isError, true, JSON.stringify(res));
      assertHistory(await client.callTool(HISTORY));
    });
  });
});
