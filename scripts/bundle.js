#!/usr/bin/env node
// Bundles src/cli/main.ts into dist/bundle/ for bin/launch-agent.js: a chunk per lazy `await
// import()` (commands still load only what they use) instead of ~60 modules to resolve and read.
// tsc's dist/ stays beside it (bench/ imports dist/core/). Run by `npm run build`.
// Usage: node scripts/bundle.js [--metafile FILE]
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist', 'bundle');

/**
 * Requires left to Node at run time, so the bundle neither holds nor evaluates what most runs never
 * touch: ssh2 (an optional native binding) and what src/docker/lazy-modules.ts defers (docker-modem's
 * SSH transport, dockerode's BuildKit session over gRPC, which also reads .proto files next to
 * itself). dockerode's BuildKit output decoder (protobufjs, a third of its chunk) is required only
 * by followProgress, which src/docker/ never calls.
 */
const packages = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)$/;
const relative = {
  './ssh': { from: 'docker-modem', path: 'docker-modem/lib/ssh.js' },
  './buildkit': { from: 'dockerode', path: 'dockerode/lib/buildkit.js' },
  './session': { from: 'dockerode', path: 'dockerode/lib/session.js' },
};
const runtimeRequires = {
  name: 'runtime-requires',
  setup(b) {
    b.onResolve({ filter: packages }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^\.\/(ssh|buildkit|session)$/ }, (args) => {
      const target = relative[args.path];
      const inPackage = args.importer.split(path.sep).includes(target.from);
      return inPackage ? { path: target.path, external: true } : undefined;
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS (dockerode, simple-git) requires Node builtins and the externals above.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [runtimeRequires],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
if (result.errors.length > 0) process.exit(1);

// A CommonJS package reaches a dynamic import() here with `default` only, where Node also gives
// its named exports: `const { pack } = await import('tar-stream')` passes the tests (they run
// src/) and is undefined in the bundle. Refuse it; `const { default: x } = …` works in both.
const defaultOnly = new Set(
  Object.values(result.metafile.outputs)
    .filter((output) => output.entryPoint?.includes('node_modules') && output.exports.join() === 'default')
    .map((output) => output.entryPoint),
);
for (const [file, input] of Object.entries(result.metafile.inputs)) {
  for (const { kind, path: target, original } of input.imports) {
    if (kind !== 'dynamic-import' || !defaultOnly.has(target)) continue;
    const quoted = original.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const named = new RegExp(`\\{(?![^}]*\\bdefault\\b)[^}]*\\}\\s*=\\s*await import\\(['"]${quoted}['"]\\)`);
    if (named.test(readFileSync(path.join(root, file), 'utf8'))) {
      console.error(`${file}: take \`default\` from import('${original}') (CommonJS), not named exports`);
      process.exit(1);
    }
  }
}

// Chunk names carry a content hash: old files go only now, so a launch-agent started during the
// build (another terminal, a test) still finds the chunks its main.js imports.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
for (const entry of readdirSync(outdir, { recursive: true, withFileTypes: true })) {
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  if (entry.isFile() && !written.has(file)) rmSync(file);
}

// `--metafile FILE`: what each chunk holds, for https://esbuild.github.io/analyze/.
const metafileAt = process.argv.indexOf('--metafile');
if (metafileAt > 0) writeFileSync(process.argv[metafileAt + 1], JSON.stringify(result.metafile));
