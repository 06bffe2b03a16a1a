// OAuth mode end to end in a real browser: headless Chromium opens
// /oauth/authorize on the server, clicks "Allow" on the emulator's Slack
// consent page, lands on our success page and reads the personal access
// token; the official MCP TypeScript SDK client then calls tools with it.
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... [CHROMIUM_BIN=/usr/bin/chromium] node --test oauth-browser.test.js
//
// Skipped (with a message) when no Chromium is installed, except in CI
// (CI=true), where a missing browser is a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOAuthServer, CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const CLIENT_ID = 'interop-client-id';
const CLIENT_SECRET = 'interop-client-secret';
const TIMEOUT = 90_000;

if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!CHROMIUM && process.env.CI === 'true') throw new Error('Chromium is not installed (.ci/run installs Debian\'s chromium)');





describe('OAuth mode in a real browser', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let oauth, browser, base;

  before(async () => {
    oauth = await startOAuthServer(BIN, EMU, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    base = oauth.base;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
    await oauth?.close();
  });

  it('connects, shows a token once, and the token works with the TypeScript SDK', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/oauth/authorize`);
    // Slack's (the emulator's) consent page.
    await page.waitForSelector('#allow');
    assert.match(await page.title(), /requesting permission/);
    await page.click('#allow');
    await page.waitForURL(/\/oauth\/callback/);
    const body = await page.textContent('body');
    assert.doesNotMatch(body, /xox[pbe]-/, 'no Slack token on the page');
    const pat = (body.match(/smcp_[A-Za-z0-9_-]{20,}/) || [])[0];
    assert.ok(pat, `no personal access token on the success page:\n${body}`);
    assert.match(body, /claude mcp add/);
    await ctx.close();

    const client = new Client({ name: 'oauth-interop', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${pat}` } },
    }));
    const res = await client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '5' } });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    assert.match(res.content[0].text, /MsgID/);
    await client.close();
  });

  it('shows a readable error when the person cancels at Slack', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/oauth/authorize`);
    await page.waitForSelector('#deny');
    await page.click('#deny');
    await page.waitForURL(/\/oauth\/callback/);
    assert.match(await page.textContent('body'), /OAUTH_ACCESS_DENIED/);
    await ctx.close();
  });

  it('refuses the MCP endpoint without a token', async () => {
    const r = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') || '', /^Bearer/);
    assert.equal((await r.json()).code, 'UNAUTHORIZED');
  });
});
