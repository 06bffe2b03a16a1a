// Writes a person confirms, with the official MCP TypeScript SDK client
// against the slack-mcp-server binary in --demo mode: a client that
// accepts the elicitation posts, one that declines changes nothing (and
// gets a result, not an error), one without the elicitation capability is
// not asked. Over Streamable HTTP and stdio.
//
//   SLACK_MCP_BIN=/tmp/slack-mcp-server node --test confirm.test.js

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { cleanEnv, spawnUntil, stop } from './lib.mjs';

const BIN = process.env.SLACK_MCP_BIN;
if (!BIN) throw new Error('SLACK_MCP_BIN must name a built slack-mcp-server binary (scripts/test does this)');
const TIMEOUT = 60_000;

// person is a client whose user answers every question with action (or
// that declares no elicitation when action is undefined).
function person(action) {
  const asked = [];
  const client = new Client({ name: 'confirm-interop', version: '0.0.0' },
    { capabilities: action ? { elicitation: {} } : {} });
  if (action) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      return action === 'accept' ? { action, content: {} } : { action };
    });
  }
  return { client, asked };
}

function textOf(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

async function post(client, text) {
  return client.callTool({ name: 'conversations_add_message', arguments: { channel_id: '#general', text } });
}

async function history(client) {
  return textOf(await client.callTool({ name: 'conversations_history', arguments: { channel_id: '#general', limit: '50' } }));
}

describe('streamable http', () => {
  let server;
  const clients = [];
  before(async () => {
    server = await spawnUntil(BIN, ['--demo', '-t', 'http'],
      cleanEnv({ SLACK_MCP_HOST: '127.0.0.1', SLACK_MCP_PORT: '0', SLACK_MCP_LOG_FORMAT: 'json' }), 'stderr',
      (line) => { try { const e = JSON.parse(line); return e.message === 'listening' && e.addr; } catch { return null; } });
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await stop(server?.child);
  });
  async function connect(action) {
    const p = person(action);
    await p.client.connect(new StreamableHTTPClientTransport(new URL(`http://${server.value}/mcp`)));
    clients.push(p.client);
    return p;
  }

  it('posts when the person accepts, after showing what and where', { timeout: TIMEOUT }, async () => {
    const p = await connect('accept');
    const res = await post(p.client, 'accepted over http');
    assert.ok(!res.isError, textOf(res));
    assert.equal(p.asked.length, 1);
    assert.match(p.asked[0], /Post a message in #general \(C[A-Z0-9]+\) as @/);
    assert.match(p.asked[0], /accepted over http/);
    assert.match(await history(p.client), /accepted over http/);
  });

  it('changes nothing when the person declines, and says so without an error', { timeout: TIMEOUT }, async () => {
    const p = await connect('decline');
    const res = await post(p.client, 'declined over http');
    assert.ok(!res.isError, textOf(res));
    assert.match(textOf(res), /declined/);
    assert.equal(p.asked.length, 1);
    assert.doesNotMatch(await history(p.client), /declined over http/);
  });

  it('does not ask a client without elicitation', { timeout: TIMEOUT }, async () => {
    const p = await connect(undefined);
    const res = await post(p.client, 'no capability over http');
    assert.ok(!res.isError, textOf(res));
    assert.match(await history(p.client), /no capability over http/);
  });
});

describe('stdio', () => {
  it('asks over stdio too', { timeout: TIMEOUT }, async () => {
    for (const action of ['accept', 'decline']) {
      const p = person(action);
      await p.client.connect(new StdioClientTransport({ command: BIN, args: ['--demo'], env: cleanEnv({ SLACK_MCP_LOG_LEVEL: 'error' }), stderr: 'ignore' }));
      try {
        const res = await post(p.client, `stdio ${action}`);
        assert.ok(!res.isError, textOf(res));
        assert.equal(p.asked.length, 1, action);
        const seen = /stdio (accept|decline)/.exec(await history(p.client));
        assert.equal(seen?.[1], action === 'accept' ? 'accept' : undefined, action);
      } finally {
        await p.client.close();
      }
    }
  });
});
