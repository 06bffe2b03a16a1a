// Helpers shared by the Node tests (scripts/interop) and the conformance
// runner (scripts/conformance): free ports, clean environments, starting
// the binaries and stopping them, and where Debian's Chromium lives.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

// CHROMIUM is Debian's chromium (CHROMIUM_BIN overrides; "none" means
// there is none, as scripts/test passes it), or undefined.
export const CHROMIUM = process.env.CHROMIUM_BIN === 'none' ? undefined
  : process.env.CHROMIUM_BIN || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

// CHROMIUM_ARGS keep headless Chromium off the network it cannot reach here.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

// Every child started here is killed if the test process exits early.
const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

// freePort asks the OS for a free loopback port.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// cleanEnv is this process's environment without any SLACK_MCP_* setting
// of the caller (real tokens, API keys), plus extra.
export function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SLACK_MCP_')) delete env[k];
  return { ...env, ...extra };
}

// spawnUntil starts a process and resolves with the first value match
// returns for a line of the given stream ('stdout' or 'stderr').
export function spawnUntil(cmd, args, env, stream, match) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const logs = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${logs.join('\n')}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`${cmd} exited with ${code}:\n${logs.join('\n')}`)));
    createInterface({ input: child[stream] }).on('line', (line) => {
      logs.push(line);
      const m = match(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, value: m, logs });
      }
    });
    createInterface({ input: child[stream === 'stdout' ? 'stderr' : 'stdout'] }).on('line', (l) => logs.push(l));
  });
}

// stop ends a child with SIGTERM (SIGKILL after 10 s) and waits for it.
export function stop(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

// startOAuthServer starts the emulator with a Slack app and the server in
// OAuth mode (Streamable HTTP, a fresh data directory) on a free port.
// autoApprove makes the emulator's Slack approve without its consent
// page; workspaces: 2 serves a second workspace behind the same Slack URL
// (the emulator's -workspaces). close() stops both and removes the data
// directory.
export async function startOAuthServer(bin, emuBin, { clientId, clientSecret, autoApprove = false, workspaces = 1, env = {} }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const emuArgs = ['-oauth-client-id', clientId, '-oauth-client-secret', clientSecret, '-oauth-redirect', `${base}/oauth/callback`];
  if (autoApprove) emuArgs.push('-oauth-auto-approve');
  if (workspaces > 1) emuArgs.push('-workspaces', String(workspaces));
  const e = await spawnUntil(emuBin, emuArgs, process.env, 'stdout', (line) => (line.startsWith('http') ? line.split(' ')[0] : null));
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-oauth-'));
  const s = await spawnUntil(bin, ['-t', 'http'], cleanEnv({
    SLACK_MCP_OAUTH_ENABLED: 'true',
    SLACK_MCP_OAUTH_CLIENT_ID: clientId,
    SLACK_MCP_OAUTH_CLIENT_SECRET: clientSecret,
    SLACK_MCP_OAUTH_REDIRECT_URI: `${base}/oauth/callback`,
    SLACK_MCP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SLACK_MCP_DATA_DIR: dataDir,
    SLACK_MCP_SLACK_URL: e.value,
    SLACK_MCP_PORT: String(port),
    SLACK_MCP_LOG_FORMAT: 'json',
    ...env,
  }), 'stderr', (line) => (line.includes('"listening"') ? true : null));
  return {
    base,
    dataDir,
    close: async () => {
      await stop(s.child);
      await stop(e.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
