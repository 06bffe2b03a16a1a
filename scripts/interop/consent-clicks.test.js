// The MCP authorization consent page clicked in headless Chromium, with a
// loopback HTTP listener as the client's redirect URI: what reaches the
// client is the test. Chromium enforces CSP form-action on the redirects
// that follow a form POST, so a policy of 'self' and Slack alone blocked
// Deny (a 303 to the client) and Approve when Slack approves without a
// page of its own (the emulator's -oauth-auto-approve: Slack, our
// callback, then the client, all in the form's redirect chain). Also: the
// page shows the whole redirect target of a private-use scheme, and an
// error for a client this browser never approved stays on our error page
// (no open redirect).
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... [CHROMIUM_BIN=/usr/bin/chromium] \
//     [CONSENT_SCREENSHOTS=/some/dir] node --test consent-clicks.test.js
//
// Skipped (with a message) when no Chromium is installed, except in CI
// (CI=true), where a missing browser is a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { freePort, cleanEnv, spawnUntil, stop, CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const SHOTS = process.env.CONSENT_SCREENSHOTS;
const SLACK_CLIENT_ID = 'consent-clicks-slack-app';
const SLACK_CLIENT_SECRET = 'consent-clicks-slack-secret';
const TIMEOUT = 90_000;
const STEP = 15_000;

if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!CHROMIUM && process.env.CI === 'true') throw new Error('Chromium is not installed (.ci/run installs Debian\'s chromium)');

// startRedirectListener is the client's redirect URI. next() resolves
// with the query of the next request to /callback; hits counts them.
async function startRedirectListener() {
  let waiting = [];
  const l = { hits: 0 };
  const srv = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('client redirect URI');
    if (u.pathname !== '/callback') return;
    l.hits++;
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(Object.fromEntries(u.searchParams));
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  l.url = `http://127.0.0.1:${srv.address().port}/callback`;
  l.next = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the client\'s redirect URI was not reached')), STEP);
    waiting.push((q) => { clearTimeout(timer); resolve(q); });
  });
  l.close = () => new Promise((resolve) => srv.close(resolve));
  return l;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('consent page clicks in headless Chromium', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let emu, server, browser, base, dataDir, listener;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const e = await spawnUntil(EMU, ['-oauth-client-id', SLACK_CLIENT_ID, '-oauth-client-secret', SLACK_CLIENT_SECRET,
      '-oauth-redirect', `${base}/oauth/callback`, '-oauth-auto-approve'],
    process.env, 'stdout', (line) => (line.startsWith('http') ? line.split(' ')[0] : null));
    emu = e.child;
    dataDir = mkdtempSync(join(tmpdir(), 'smcp-consent-clicks-'));
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
      SLACK_MCP_LOG_FORMAT: 'json',
    }), 'stderr', (line) => (line.includes('"listening"') ? true : null));
    server = s.child;
    listener = await startRedirectListener();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await listener?.close();
    await stop(server);
    await stop(emu);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function register(redirectURI, name) {
    const r = await fetch(`${base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: name, redirect_uris: [redirectURI], token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }),
    });
    const body = await r.text();
    assert.equal(r.status, 201, body);
    return JSON.parse(body).client_id;
  }

  function authorizeURL(clientID, redirectURI, challenge, extra = {}) {
    const q = new URLSearchParams({
      response_type: 'code', client_id: clientID, redirect_uri: redirectURI, code_challenge: challenge,
      code_challenge_method: 'S256', state: randomBytes(12).toString('base64url'), scope: 'slack:read',
      resource: `${base}/mcp`, ...extra,
    });
    return { url: `${base}/authorize?${q}`, state: q.get('state') };
  }

  // open loads url in a fresh browser profile and records every CSP
  // violation Chromium reports on the console.
  async function open(url) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const res = await page.goto(url);
    return { ctx, page, res, violations };
  }

  async function shot(page, name) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('Deny reaches the client with error=access_denied, state and iss', async () => {
    const clientID = await register(listener.url, 'Consent clicks');
    const { challenge } = pkce();
    const a = authorizeURL(clientID, listener.url, challenge);
    const { ctx, page, res, violations } = await open(a.url);
    try {
      assert.equal(res.status(), 200);
      const csp = res.headers()['content-security-policy'] || '';
      assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:\d+ /, csp);
      await page.waitForSelector('#deny', { timeout: STEP });
      await shot(page, 'consent-page');
      const landed = listener.next();
      await page.click('#deny');
      const q = await landed;
      assert.equal(q.error, 'access_denied');
      assert.equal(q.state, a.state);
      assert.equal(q.iss, base);
      assert.equal(q.code, undefined);
      assert.deepEqual(violations, []);
    } finally {
      await ctx.close();
    }
  });

  it('Approve reaches the client when Slack redirects straight back, and the code works', async () => {
    const clientID = await register(listener.url, 'Consent clicks');
    const { verifier, challenge } = pkce();
    const a = authorizeURL(clientID, listener.url, challenge);
    const { ctx, page, violations } = await open(a.url);
    try {
      await page.waitForSelector('#approve', { timeout: STEP });
      const landed = listener.next();
      await page.click('#approve');
      const q = await landed;
      assert.equal(q.error, undefined, JSON.stringify(q));
      assert.ok(q.code, 'a code');
      assert.equal(q.state, a.state);
      assert.equal(q.iss, base);
      assert.deepEqual(violations, []);
      const r = await fetch(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientID, code: q.code, code_verifier: verifier,
          redirect_uri: listener.url, resource: `${base}/mcp` }),
      });
      const body = await r.text();
      assert.equal(r.status, 200, body);
      assert.match(JSON.parse(body).access_token, /^mcp_at_/);
    } finally {
      await ctx.close();
    }
  });

  it('shows the whole redirect target of a private-use scheme', async () => {
    const target = 'microsoft-edge:https://evil.example/cb';
    const clientID = await register(target, 'Edge app');
    const { ctx, page } = await open(authorizeURL(clientID, target, pkce().challenge).url);
    try {
      assert.equal((await page.textContent('#redirect-host')).trim(), target);
      assert.match(await page.textContent('#other-program'), /microsoft-edge:/);
      await shot(page, 'consent-page-other-scheme');
    } finally {
      await ctx.close();
    }
  });

  it('keeps an unapproved client\'s error on our error page', async () => {
    const clientID = await register(listener.url, 'Never approved');
    const before = listener.hits;
    const { ctx, page, res } = await open(authorizeURL(clientID, listener.url, pkce().challenge, { response_type: 'token' }).url);
    try {
      assert.equal(res.status(), 400);
      assert.equal(new URL(page.url()).origin, base, 'the browser stays on our server');
      assert.equal((await page.textContent('#error-code')).trim(), 'unsupported_response_type');
      assert.equal(listener.hits, before, 'the redirect URI was not called');
      await shot(page, 'authorize-error-page');
    } finally {
      await ctx.close();
    }
  });
});
