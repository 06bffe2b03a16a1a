import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
const t0 = Date.now();
const log = (...a) => console.log(`${Date.now()-t0}ms`, ...a);
const child = spawn(process.env.SLACK_MCP_BIN, ['--demo','-t',process.argv[2]], {env:{...process.env, SLACK_MCP_PORT:'0', SLACK_MCP_LOG_FORMAT:'json'}, stdio:['ignore','inherit','pipe']});
const rl = createInterface({input: child.stderr});
const addr = await new Promise(r => rl.on('line', l => { log('LOG', l); try { const e = JSON.parse(l); if (e.message==='listening') r(e.addr);} catch {} }));
const c = new Client({name:'x',version:'0'});
await c.connect(new SSEClientTransport(new URL(`http://${addr}/sse`)));
log('connected');
await c.listTools();
log('listed');

log('closed client');
const exited = new Promise(r => child.once('exit', (code, sig) => r([code, sig])));
child.kill('SIGTERM');
log('exit', await exited);
