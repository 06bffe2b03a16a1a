// Two slack-mcp-server processes on one PostgreSQL database behind a
// round-robin balancer with no stickiness, driven by the official MCP
// TypeScript SDK: the browser flow crosses replicas, tool calls go on
// while one replica is killed (SIGKILL) and started again, and the token
// issued before the kill works on the restarted process.
//
//   SLACK_MCP_BIN=... SLACK_EMU_BIN=... SLACK_MCP_TEST_POSTGRES_URL=postgres://... node --test replicas.test.js
//
// scripts/test starts a throwaway PostgreSQL (scripts/postgres) and sets
// SLACK_MCP_TEST_POSTGRES_URL; without it this test is skipped, and with
// CI=true it fails instead.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { cleanEnv, freePort, spawnUntil, stop } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
const EMU = process.env.SLACK_EMU_BIN;
const DB = process.env.SLACK_MCP_TEST_POSTGRES_URL;
if (!BIN || !EMU) throw new Error('SLACK_MCP_BIN and SLACK_EMU_BIN must name built binaries (scripts/test does this)');
if (!DB && process.env.CI === 'true') throw new Error('SLACK_MCP_TEST_POSTGRES_URL is not set: CI never skips the replica test');

const CLIENT_ID = 'replicas-client.1';
const CLIENT_SECRET = 'replicas-secret';
const KEY = randomBytes(32).toString('base64');

// roundRobin sends each request to the next replica; a replica that
// refuses the connection is skipped, as nginx's proxy_next_upstream does.
function roundRobin(port, backends) {
  let next = 0;
  const served = backends.map(() => 0);
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (k) => {
        if (k === backends.length) {
          res.writeHead(502).end('no replica answered');
          return;
        }
        const i = (next + k) % backends.length;
        const out = request({ host: '127.0.0.1', port: backends[i], method: req.method, path: req.url, headers: req.headers }, (up) => {
          served[i]++;
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        });
        out.on('error', () => attempt(k + 1));
        out.end(body);
      };
      next = (next + 1) % backends.length;
      attempt(0);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, served })));
}

// connectInBrowser walks the browser flow with fetch, hop by hop, keeping
// cookies as a browser would, and returns the personal access token.
async function connectInBrowser(base) {
  const jar = new Map();
  let url = `${base}/oauth/authorize`;
  for (let hop = 0; hop < 8; hop++) {
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    if (r.status === 302 || r.status === 303) {
      url = new URL(r.headers.get('location'), url).toString();
      continue;
    }
    const body = await r.text();
    assert.equal(r.status, 200, body);
    const pat = (body.match(/smcp_[A-Za-z0-9_-]{20,}/) || [])[0];
    assert.ok(pat, `no personal access token on the page:\n${body}`);
    return pat;
  }
  throw new Error('too many redirects');
}

describe('two replicas on PostgreSQL behind a round-robin balancer', { skip: DB ? false : 'SLACK_MCP_TEST_POSTGRES_URL is not set', timeout: 120_000 }, () => {
  let emu;
  let publicURL;
  let balancer;
  const replicas = [];
  const ports = [];
  let emuURL;

  const startReplica = async (i) => {
    const s = await spawnUntil(BIN, ['-t', 'http'], cleanEnv({
      SLACK_MCP_OAUTH_ENABLED: 'true',
      SLACK_MCP_OAUTH_CLIENT_ID: CLIENT_ID,
      SLACK_MCP_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_MCP_OAUTH_REDIRECT_URI: `${publicURL}/oauth/callback`,
      SLACK_MCP_PUBLIC_URL: publicURL,
      SLACK_MCP_ENCRYPTION_KEY: KEY,
      SLACK_MCP_DATABASE_URL: DB,
      SLACK_MCP_SLACK_URL: emuURL,
      SLACK_MCP_PORT: String(ports[i]),
      SLACK_MCP_LOG_FORMAT: 'json',
    }), 'stderr', (line) => (line.includes('"listening"') ? true : null));
    replicas[i] = s.child;
  };

  before(async () => {
    const front = await freePort();
    publicURL = `http://127.0.0.1:${front}`;
    const e = await spawnUntil(EMU, ['-oauth-client-id', CLIENT_ID, '-oauth-client-secret', CLIENT_SECRET,
      '-oauth-redirect', `${publicURL}/oauth/callback`, '-oauth-auto-approve'],
    process.env, 'stdout', (line) => (line.startsWith('http') ? line.split(' ')[0] : null));
    emu = e.child;
    emuURL = e.value;
    ports.push(await freePort(), await freePort());
    await startReplica(0);
    await startReplica(1);
    balancer = await roundRobin(front, ports);
  });

  after(async () => {
    balancer?.server.close();
    for (const r of replicas) await stop(r);
    await stop(emu);
  });

  it('keeps serving through a killed replica, and keeps the tokens', async () => {
    const pat = await connectInBrowser(publicURL);
    assert.ok(balancer.served[0] > 0 && balancer.served[1] > 0, `the flow crossed replicas: ${balancer.served}`);

    const client = new Client({ name: 'replicas-interop', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${publicURL}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${pat}` } },
    }));
    const call = () => client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '5' } });
    let failed = 0;
    for (let i = 0; i < 12; i++) {
      if (i === 4) {
        replicas[0].kill('SIGKILL');
        await new Promise((resolve) => replicas[0].once('exit', resolve));
      }
      if (i === 8) await startReplica(0);
      try {
        const res = await call();
        assert.notEqual(res.isError, true, JSON.stringify(res));
      } catch (err) {
        failed++; // only a call in flight when the replica died may fail
      }
    }
    assert.ok(failed <= 1, `${failed} calls failed`);
    await client.close();

    // The restarted process knows the token issued before the kill.
    const direct = new Client({ name: 'replicas-interop', version: '1.0.0' });
    await direct.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${ports[0]}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${pat}` } },
    }));
    const res = await direct.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '5' } });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    await direct.close();
  });
});
