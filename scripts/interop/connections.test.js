// The /connections page clicked in headless Chromium: signed out it
// offers "Sign in with Slack"; the browser connect flow signs the browser
// in and comes back; the page shows the workspace, the token just issued
// and the actions, each of which works by keyboard-reachable buttons
// (no script on the page). A screenshot of each state is taken and checked
// for its key elements; CONNECTIONS_SCREENSHOTS=/dir keeps them.
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... [CHROMIUM_BIN=/usr/bin/chromium] \
//     [CONNECTIONS_SCREENSHOTS=/some/dir] node --test connections.test.js
//
// Skipped (with a message) when no Chromium is installed, except in CI
// (CI=true), where a missing browser is a failure.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { startOAuthServer, CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const SHOTS = process.env.CONNECTIONS_SCREENSHOTS;
const CLIENT_ID = 'connections-client-id';
const CLIENT_SECRET = 'connections-client-secret';
const TIMEOUT = 90_000;

if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!CHROMIUM && process.env.CI === 'true') throw new Error('Chromium is not installed (.ci/run installs Debian\'s chromium)');

describe('the connections page in headless Chromium', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let oauth, browser, base, shots;

  before(async () => {
    oauth = await startOAuthServer(BIN, EMU, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, autoApprove: true });
    base = oauth.base;
    shots = SHOTS || oauth.dataDir;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await oauth?.close();
  });

  // shot saves a full-page screenshot and checks it is a real image.
  async function shot(page, name) {
    const path = join(shots, `connections-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 5_000, `screenshot ${name} looks empty`);
  }

  it('signs in through the browser flow, then tests, revokes and disconnects', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const resp = await page.goto(`${base}/connections`);
    assert.match(resp.headers()['content-security-policy'], /frame-ancestors 'none'/);
    await page.waitForSelector('#sign-in');
    await shot(page, 'signed-out');

    // Keyboard: the sign-in link is the first thing Tab reaches.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-in');
    await page.keyboard.press('Enter');
    // The emulator approves at once; our success page shows the token once.
    await page.waitForURL(/\/oauth\/callback/);
    const body = await page.textContent('body');
    assert.match(body, /smcp_[A-Za-z0-9_-]{20,}/, 'the personal access token');
    await page.click('a.button[href^="/connections"]');

    await page.waitForSelector('section.app h2');
    await shot(page, 'signed-in');
    assert.equal(await page.textContent('#status'), 'active');
    assert.match(await page.textContent('#tokens'), /personal access token …/);
    assert.ok(await page.isVisible('#test'));
    assert.ok(await page.isVisible('#disconnect'));
    assert.ok(await page.isVisible('#sign-out'));

    await page.click('#test');
    await page.waitForSelector('#flash');
    assert.match(await page.textContent('#flash'), /Slack answered: you are/);
    await shot(page, 'tested');

    await page.click('#tokens button');
    await page.waitForSelector('#no-tokens');
    assert.match(await page.textContent('#flash'), /Revoked the personal access token/);

    await page.click('#disconnect');
    await page.waitForSelector('#sign-in');
    assert.match(await page.textContent('#flash'), /Disconnected/);
    await shot(page, 'disconnected');
    await ctx.close();
  });

  it('the JSON API refuses without a credential', async () => {
    const r = await fetch(`${base}/api/connections`);
    assert.equal(r.status, 401);
    assert.equal((await r.json()).code, 'UNAUTHORIZED');
  });
});

describe('the admin page in headless Chromium', { skip: CHROMIUM ? false : 'no Chromium installed', timeout: TIMEOUT }, () => {
  let oauth, browser, shots;

  before(async () => {
    // The sandbox's person is the admin.
    oauth = await startOAuthServer(BIN, EMU, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, autoApprove: true,
      env: { SLACK_MCP_ADMINS: 'U0SBSAM01' } });
    shots = SHOTS || oauth.dataDir;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await oauth?.close();
  });

  it('an admin signs in and sees installations, the login funnel and the audit log', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${oauth.base}/admin`);
    await page.click('#sign-in');
    await page.waitForURL(/\/oauth\/callback/);
    await page.click('a.button[href^="/admin"]');
    await page.waitForSelector('#installations');
    assert.match(await page.textContent('#installations'), /U0SBSAM01/);
    assert.equal(await page.textContent('#completed'), '1');
    assert.match(await page.textContent('#audit'), /oauth_completed/);
    await page.fill('#policy-team', 'T0SANDBOX');
    await page.fill('#policy-rules', 'SLACK_MCP_ADD_MESSAGE_TOOL=C0SBGENRL\nSLACK_MCP_STATUS_TOOL=false');
    await page.click('#policy-save');
    await page.waitForSelector('#flash');
    assert.match(await page.textContent('#flash'), /Saved the policy of T0SANDBOX/);
    assert.match(await page.textContent('#policies'), /SLACK_MCP_STATUS_TOOL=false/);
    await page.screenshot({ path: join(shots, 'admin.png'), fullPage: true });
    assert.ok(statSync(join(shots, 'admin.png')).size > 5_000);
    await ctx.close();
  });

  it('refuses the admin API without a credential', async () => {
    const r = await fetch(`${oauth.base}/api/admin/installations`);
    assert.equal(r.status, 401);
    assert.equal((await r.json()).code, 'UNAUTHORIZED');
  });
});
