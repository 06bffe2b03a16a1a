// Several workspaces through one MCP connection, clicked in headless
// Chromium: the person connects two workspaces (the emulator serves two
// behind one Slack URL and asks which to sign in to), then authorizes an
// MCP client whose consent page offers both; they tick both and approve,
// which finishes without Slack. The official TypeScript SDK client then
// reaches both through the one token: listings mark each row's workspace,
// the workspace argument picks one. A screenshot of the consent page is
// kept (WORKSPACES_SCREENSHOTS=/dir) and checked for its key elements.
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... [CHROMIUM_BIN=/usr/bin/chromium] \
//     [WORKSPACES_SCREENSHOTS=/some/dir] node --test workspaces.test.js
//
// Skipped (with a message) when no Chromium is installed, except in CI
// (CI=true), where a missing browser is a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium } from 'playwright-core';
import { startOAuthServer, CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const SHOTS = process.env.WORKSPACES_SCREENSHOTS;
const TIMEOUT = 90_000;

if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!CHROMIUM && process.env.CI === 'true') throw new Error('Chromium is not installed (.ci/run installs Debian\'s chromium)');

const textOf = (res) => res.content.filter((c) => c.type === 'text').map((c) => c.text).join('');

describe('several workspaces through one connection, in headless Chromium', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let oauth, browser, shots, redirect, codes;

  before(async () => {
    oauth = await startOAuthServer(BIN, EMU, { clientId: 'workspaces-app', clientSecret: 'workspaces-secret', autoApprove: true, workspaces: 2 });
    shots = SHOTS || oauth.dataDir;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // The MCP client's redirect URI: a loopback listener that keeps the code.
    codes = [];
    redirect = createServer((req, res) => {
      const u = new URL(req.url, 'http://127.0.0.1');
      if (u.pathname === '/callback') codes.push(u.searchParams); // not the browser's /favicon.ico
      res.end('client redirect URI');
    });
    await new Promise((resolve) => redirect.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => redirect?.close(resolve));
    await oauth?.close();
  });

  it('connects two workspaces, picks both for one client, and reaches both', async () => {
    const base = oauth.base;
    const ctx = await browser.newContext();
    const page = await ctx.newPage();

    // Connect the sandbox, then Sandbox Labs, in one browser.
    await page.goto(`${base}/connections`);
    await page.click('#sign-in');
    await page.click('#team-T0SANDBOX');
    await page.click('a.button[href^="/connections"]');
    await page.click('#connect-another');
    await page.click('#team-T0SBLABS');
    await page.click('a.button[href^="/connections"]');
    await page.waitForSelector('section.app h2');
    assert.equal(await page.locator('section.app').count(), 2, 'both workspaces on the connections page');

    // An MCP client asks for access: the consent page offers both.
    const redirectURI = `http://127.0.0.1:${redirect.address().port}/callback`;
    const reg = await fetch(`${base}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Workspaces client', redirect_uris: [redirectURI], token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'], response_types: ['code'] }),
    });
    assert.equal(reg.status, 201);
    const clientID = (await reg.json()).client_id;
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: clientID, redirect_uri: redirectURI, state: 'st-1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', scope: 'slack:read' });
    await page.goto(`${base}/authorize?${q}`);
    await page.waitForSelector('#workspaces');
    const boxes = page.locator('#workspaces input[type=checkbox]');
    assert.equal(await boxes.count(), 2);
    assert.ok(await boxes.nth(0).isChecked(), 'the signed-in workspace starts ticked');
    assert.ok(!(await boxes.nth(1).isChecked()));
    assert.match(await page.textContent('#workspaces'), /Sandbox Labs[\s\S]*Sandbox Co/);
    assert.ok(await page.isVisible('#another'));
    // Keyboard: the boxes are reachable and toggled with Space.
    await boxes.nth(1).focus();
    await page.keyboard.press('Space');
    assert.ok(await boxes.nth(1).isChecked());
    const path = join(shots, 'consent-workspaces.png');
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 5_000, 'screenshot looks empty');

    await page.click('#approve');
    await page.waitForURL(/\/callback\?/);
    const got = codes.at(-1);
    assert.equal(got.get('state'), 'st-1');
    const tok = await fetch(`${base}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientID, code: got.get('code'), code_verifier: verifier, redirect_uri: redirectURI }),
    });
    assert.equal(tok.status, 200);
    const { access_token: accessToken } = await tok.json();
    await ctx.close();

    // The official SDK, one connection, two workspaces.
    const client = new Client({ name: 'workspaces-interop', version: '0.0.1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }));
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.every((t) => 'workspace' in t.inputSchema.properties), 'every tool takes workspace');
      const all = await client.callTool({ name: 'channels_list', arguments: { channel_types: 'public_channel' } });
      assert.notEqual(all.isError, true, textOf(all));
      assert.match(textOf(all), /,Workspace\n/);
      assert.match(textOf(all), /T0SANDBOX/);
      assert.match(textOf(all), /C0LBPROTO,#prototypes,.*T0SBLABS/);
      const labs = await client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', workspace: 'sandbox labs' } });
      assert.notEqual(labs.isError, true, textOf(labs));
      assert.match(textOf(labs), /Welcome to Sandbox Labs/);
      const bad = await client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', workspace: 'T0NOWHERE' } });
      assert.equal(bad.isError, true);
      assert.match(textOf(bad), /use one of: .*Sandbox Labs \(T0SBLABS\)/);
    } finally {
      await client.close();
    }
  });
});
