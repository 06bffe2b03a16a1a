// node:fs as it is, plus the globSync of Node 22 (pattern, { cwd }) ->
// relative paths, built on the glob package. See register.mjs.
import fs from 'node:fs';
import { globSync as glob } from 'glob';

export * from 'node:fs';
export default fs;

export function globSync(pattern, options = {}) {
  return glob(pattern, { cwd: options.cwd, withFileTypes: false });
}
