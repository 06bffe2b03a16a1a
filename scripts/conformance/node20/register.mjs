// Node 20 compatibility for @modelcontextprotocol/conformance, loaded with
//
//   node --import ./node20/register.mjs node_modules/@modelcontextprotocol/conformance/dist/index.js ...
//
// Why: the conformance CLI is one ESM bundle whose first line does
// `import { globSync, ... } from "fs"`. fs.globSync exists from Node 22 on,
// so on Node 20 (this machine, Debian's nodejs in CI; no other Node can be
// installed here) the bundle fails to link before any command runs, even
// though only the `tier-check` command ever calls globSync. The hooks
// below resolve that one import, and only when made by the conformance
// package, to ./fs.mjs: node:fs plus a globSync built on the glob package.
// On a Node that has fs.globSync they do nothing.
import { register } from 'node:module';
import fs from 'node:fs';

if (typeof fs.globSync !== 'function') {
  register('./hooks.mjs', import.meta.url);
}
