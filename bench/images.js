#!/usr/bin/env node
// Image targets (issue 3): all-agents image size, whole-chain up-to-date check, per-agent layer rebuild.
// Run after `npm run build`: node bench/images.js. Builds the chain first if it is missing (minutes).
// Base image: LAUNCH_AGENT_TEST_BASE_IMAGE, else LAUNCH_AGENT_BASE_IMAGE, else node:22-bookworm-slim.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultImagesDir, ensureImages } from '../dist/core/images.js';
import { resolveEndpoint } from '../dist/docker/connect.js';
import { DockerodeEngine } from '../dist/docker/dockerode-engine.js';

const engine = new DockerodeEngine(resolveEndpoint());
const baseImage =
  process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ?? process.env.LAUNCH_AGENT_BASE_IMAGE ?? 'node:22-bookworm-slim';
const common = {
  all: true,
  baseImage,
  ...(process.env.NODE_EXTRA_CA_CERTS ? { caBundle: process.env.NODE_EXTRA_CA_CERTS } : {}),
};

const fmtMs = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const warm = await ensureImages(engine, common);
if (warm.built > 0) console.error(`(built ${warm.built} missing images first)`);

// 1. Size of the image holding every agent CLI.
const agentsImage = warm.images.find((i) => i.name === 'agents');
const size = (await engine.inspectImage(agentsImage.id)).size;
console.log(`all-agents image ${agentsImage.ref}: ${(size / 1e9).toFixed(2)} GB (target < 1.8 GB)`);

// 2. Up-to-date check of the whole chain through the core (hash contexts + inspect tags).
const times = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const again = await ensureImages(engine, common);
  times.push(performance.now() - t);
  if (again.built !== 0) throw new Error('the chain was not up to date on a repeat');
}
console.log(
  `up-to-date check, whole chain (${warm.images.length} images): median ${fmtMs(median(times))}, max ${fmtMs(Math.max(...times))} over 10 runs (target < 300 ms)`,
);

// The same through the CLI, node start-up included.
const cliArgs = ['bin/launch-agent.js', 'images', 'build', '--all', '--base-image', baseImage];
if (common.caBundle) cliArgs.push('--ca-bundle', common.caBundle);
const t0 = performance.now();
execFileSync(process.execPath, cliArgs, { stdio: 'pipe' });
console.log(
  `  (the CLI \`images build --all\` with nothing to build: ${fmtMs(performance.now() - t0)} wall, node start-up included)`,
);

// 3. Per-agent layer rebuild: change an agent's Dockerfile in a copy, build under a private
// namespace. claude is the plain case; copilot's layer also unpacks its package (the slowest).
const namespace = `launch-agent-bench-${randomBytes(3).toString('hex')}`;
const dir = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-bench-'));
try {
  await cp(defaultImagesDir, dir, { recursive: true });
  for (const agent of ['claude', 'copilot']) {
    const options = { ...common, all: false, agent, namespace, imagesDir: dir };
    await ensureImages(engine, options);
    const dockerfile = path.join(dir, agent, 'Dockerfile');
    // Right after FROM, so every step of the layer runs again (no engine cache hit).
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace(/^(FROM .*)$/m, `$1\nENV LAUNCH_AGENT_BENCH=${Date.now()}`));
    const t = performance.now();
    const rebuilt = await ensureImages(engine, options);
    const ms = performance.now() - t;
    const names = rebuilt.images.filter((i) => i.built).map((i) => i.name);
    console.log(`per-agent layer rebuild (${names.join(', ')}): ${fmtMs(ms)} (target < 10 s)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  const refs = execFileSync('docker', [
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${namespace}/*`,
  ])
    .toString()
    .split('\n')
    .filter(Boolean);
  if (refs.length > 0) execFileSync('docker', ['rmi', ...refs], { stdio: 'pipe' });
}
