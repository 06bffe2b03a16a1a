// Module resolution hooks (module.register): "fs" / "node:fs" imported by
// a file of @modelcontextprotocol/conformance resolves to ./fs.mjs.
// Everything else resolves as usual. See register.mjs for why.
const shim = new URL('./fs.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL?.includes('/node_modules/@modelcontextprotocol/conformance/')) {
    return { url: shim, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
