#!/usr/bin/env node
// Issue 13: what one CLI's update costs in the agents layer (one stage per CLI, see
// images/agents/Dockerfile). Builds a private chain at the installed versions, then rebuilds it
// with one CLI moved to its previous release, for gemini (first stage) and claude (last), and
// prints time, the layers that changed and their bytes. Run after `npm run build`:
// node bench/agents-update.js. Downloads the four CLIs once if the engine's cache lacks them.
// BENCH_AGENTS_DOCKERFILE=FILE measures another agents Dockerfile (e.g. the single-step one).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultImagesDir, ensureImages } from '../dist/core/images.js';
import { resolveEndpoint } from '../dist/docker/connect.js';
import { DockerodeEngine } from '../dist/docker/dockerode-engine.js';

const engine = new DockerodeEngine(resolveEndpoint());
const baseImage =
  process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ?? process.env.LAUNCH_AGENT_BASE_IMAGE ?? 'node:22-bookworm-slim';
const namespace = `launch-agent-bench-${randomBytes(3).toString('hex')}`;
const imagesDir = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-bench-images-'));
await cp(defaultImagesDir, imagesDir, { recursive: true });
if (process.env.BENCH_AGENTS_DOCKERFILE)
  await cp(process.env.BENCH_AGENTS_DOCKERFILE, path.join(imagesDir, 'agents', 'Dockerfile'));
const common = {
  agent: 'claude',
  imagesDir,
  baseImage,
  namespace,
  ...(process.env.NODE_EXTRA_CA_CERTS ? { caBundle: process.env.NODE_EXTRA_CA_CERTS } : {}),
};
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/** Layer ids and sizes of an image, from `docker history` (newest first). */
function layers(ref) {
  return docker('history', '--no-trunc', '--format', '{{.ID}}\t{{.Size}}\t{{.CreatedBy}}', ref)
    .split('\n')
    .map((line) => line.split('\t'));
}

const npmVersions = (pkg) =>
  JSON.parse(execFileSync('npm', ['view', pkg, 'versions', '--json'], { encoding: 'utf8' }));
const labels = JSON.parse(
  docker('image', 'inspect', '--format', '{{json .Config.Labels}}', 'launch-agent/agents:latest'),
);
const installed = Object.fromEntries(
  ['claude', 'codex', 'copilot', 'gemini'].map((a) => [a, labels[`dev.launch-agent.agent-version.${a}`]]),
);
try {
  let t = performance.now();
  const first = await ensureImages(engine, { ...common, versions: installed });
  console.log(
    `private chain at ${JSON.stringify(installed)}: ${seconds(performance.now() - t)} (${first.built} built)`,
  );
  // Each update is measured from the chain at the installed versions.
  const before = first.images.find((i) => i.name === 'agents').ref;
  const cases = (process.env.BENCH_AGENTS ?? 'gemini,claude').split(',');
  const packages = { gemini: '@google/gemini-cli', claude: '@anthropic-ai/claude-code' };
  for (const [agent, pkg] of cases.map((a) => [a, packages[a]])) {
    const all = npmVersions(pkg).filter((v) => !v.includes('-'));
    const previous = all[all.indexOf(installed[agent]) - 1];
    t = performance.now();
    const next = await ensureImages(engine, { ...common, versions: { ...installed, [agent]: previous } });
    const ms = performance.now() - t;
    const after = next.images.find((i) => i.name === 'agents').ref;
    const old = new Set(layers(before).map(([id]) => id));
    const fresh = layers(after).filter(
      ([id, , by]) => id !== '<missing>' && !old.has(id) && !by.includes('LABEL'),
    );
    const bytes = fresh.reduce(
      (sum, [, size]) =>
        sum +
        Number.parseFloat(size) *
          (size.endsWith('GB') ? 1e9 : size.endsWith('MB') ? 1e6 : size.endsWith('kB') ? 1e3 : 1),
      0,
    );
    console.log(
      `${agent} ${installed[agent]} -> ${previous}: agents + claude layers rebuilt in ${seconds(ms)}; new agents-image layers ${mb(bytes)}:`,
    );
    for (const [, size, by] of fresh)
      console.log(`    ${size.padStart(8)}  ${by.replace(/\s+/g, ' ').slice(0, 90)}`);
  }
} finally {
  await rm(imagesDir, { recursive: true, force: true });
  const refs = docker(
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${namespace}/*`,
  );
  for (const ref of refs.split('\n').filter(Boolean))
    execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
}
