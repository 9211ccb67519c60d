#!/usr/bin/env node
// Issue 13 figures: the per-project image layer for a small Debian package (build time, added
// size, up-to-date check) and `images update` when nothing is new (npm lookups only).
// Run after `npm run build`: node bench/toolchains.js. Needs the agent chain (builds it if missing)
// and the npm registry and Debian's archive. Removes the project images it makes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureProjectImage } from '../dist/core/images/project-layer.js';
import { updateImages } from '../dist/core/images/update.js';
import { ensureImages } from '../dist/core/images.js';
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

const chain = await ensureImages(engine, common);
const agentImage = chain.images.find((i) => i.name === 'claude');
const tmp = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-bench-project-'));
const host = {
  env: { ...process.env, LAUNCH_AGENT_CONFIG_DIR: path.join(tmp, 'config') },
  platform: process.platform,
  homedir: tmp,
};
const made = new Set();
try {
  // 1. A repo whose .launch-agent/Dockerfile installs GNU hello (one small Debian package). A
  //    unique line keeps the engine's cache out of it: the time is apt update + install.
  const repo = path.join(tmp, 'repo');
  await mkdir(path.join(repo, '.launch-agent'), { recursive: true });
  await mkdir(path.join(repo, '.git'));
  const stamp = randomBytes(4).toString('hex');
  await writeFile(
    path.join(repo, '.launch-agent', 'Dockerfile'),
    `ARG AGENT_IMAGE\nFROM \${AGENT_IMAGE}\nUSER root\nRUN echo ${stamp} >/dev/null && apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*\n`,
  );
  const request = { agent: 'claude', agentImage: agentImage.ref, repoRoot: repo, host };
  let t = performance.now();
  const built = await ensureProjectImage(engine, request);
  const buildMs = performance.now() - t;
  made.add(built.ref).add(built.pointer);
  const [layer, parent] = await Promise.all([
    engine.inspectImage(built.ref),
    engine.inspectImage(agentImage.ref),
  ]);
  console.log(
    `per-project layer (apt hello): built in ${fmtMs(buildMs)}, adds ${((layer.size - parent.size) / 1e6).toFixed(1)} MB to ${agentImage.ref}`,
  );
  const checks = [];
  for (let i = 0; i < 10; i++) {
    t = performance.now();
    const again = await ensureProjectImage(engine, request);
    checks.push(performance.now() - t);
    if (again.built) throw new Error('the project layer was rebuilt on a repeat');
  }
  console.log(
    `per-project layer up to date: median ${fmtMs(median(checks))} over 10 checks (config read + hash + inspect)`,
  );

  // 2. The same from [image] apt = ["hello"] in config.toml (a generated Dockerfile).
  await rm(path.join(repo, '.launch-agent'), { recursive: true });
  await mkdir(path.join(tmp, 'config'), { recursive: true });
  await writeFile(
    path.join(tmp, 'config', 'config.toml'),
    `[image]\napt = ["hello"]\nrun = ["echo ${stamp}"]\n`,
  );
  t = performance.now();
  // No engine cache: the same apt step may have been built before on this agent image.
  const fromConfig = await ensureProjectImage(engine, { ...request, noCache: true });
  made.add(fromConfig.ref).add(fromConfig.pointer);
  console.log(`per-project layer from [image] apt = ["hello"]: built in ${fmtMs(performance.now() - t)}`);

  // 3. Playwright's server in the config: the layer with Debian's chromium.
  await writeFile(
    path.join(tmp, 'config', 'config.toml'),
    '[mcp_servers.playwright]\ncommand = "npx"\nargs = ["-y", "@playwright/mcp@latest", "--browser", "chromium"]\n',
  );
  t = performance.now();
  const browser = await ensureProjectImage(engine, { ...request, noCache: true });
  const browserMs = performance.now() - t;
  made.add(browser.ref).add(browser.pointer);
  const browserSize = (await engine.inspectImage(browser.ref)).size - parent.size;
  console.log(
    `per-project layer for Playwright (apt chromium): built in ${fmtMs(browserMs)}, adds ${(browserSize / 1e6).toFixed(0)} MB`,
  );

  // 4. A repo without either: no layer, and what the check costs.
  await rm(path.join(tmp, 'config', 'config.toml'));
  t = performance.now();
  const none = await ensureProjectImage(engine, request);
  console.log(
    `no .launch-agent/Dockerfile, no [image]: ${none === undefined ? 'no layer' : 'A LAYER?!'}, ${fmtMs(performance.now() - t)}`,
  );

  // 5. images update with nothing new on npm (the chain was just built with the newest CLIs).
  const updates = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const result = await updateImages(engine, { ...common, host });
    updates.push(performance.now() - t);
    if (result.built !== 0)
      console.error(`(update ${i} built ${result.built} images: npm had something new)`);
  }
  console.log(
    `images update, nothing new: median ${fmtMs(median(updates))} over 3 runs (4 npm lookups, no build)`,
  );
} finally {
  await rm(tmp, { recursive: true, force: true });
  for (const ref of made) {
    try {
      execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
    } catch {
      // its image went with an earlier tag
    }
  }
}
