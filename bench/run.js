#!/usr/bin/env node
// `npm run bench`: launch-to-ready against the alternatives on generated repos, plus CLI
// overhead, a second agent and idle memory. Prints a table on stdout, writes JSON (and the
// markdown tables) to bench/results/. Progress goes to stderr.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig } from './lib/config.js';
import { Tracker } from './lib/docker.js';
import { cliOverhead, profileCopy, secondAgent } from './lib/extras.js';
import { Graveyard } from './lib/graveyard.js';
import { machineFacts } from './lib/machine.js';
import { METHOD_LABELS, methods, ours } from './lib/methods.js';
import { run } from './lib/proc.js';
import { renderReport } from './lib/render.js';
import { summarize } from './lib/report.js';
import { ensureRepo } from './lib/repos.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`bench: ${message}\n`);

const config = benchConfig();
const runId = randomBytes(3).toString('hex');
const tracker = new Tracker(`labench-${runId}`);
const scratch = path.join(config.cacheDir, 'scratch', runId);
const graveyard = new Graveyard(tracker, {
  budgetBytes: config.diskBudgetBytes,
  cooldownSeconds: config.cooldownSeconds,
  log,
});

let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    await graveyard.flush().catch(() => undefined);
    await tracker.sweep();
    await rm(scratch, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: removing the containers and volumes this run created`);
    cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

async function main() {
  // bin/ runs the bundle; bench/lib/extras.js imports tsc's modules.
  if (!existsSync(path.join(root, 'dist/bundle/main.js')) || !existsSync(path.join(root, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build`');
  await mkdir(path.join(scratch, 'config'), { recursive: true });
  const env = {
    ...process.env,
    // The user's own config.toml / secrets must not change what is measured.
    LAUNCH_AGENT_CONFIG_DIR: path.join(scratch, 'config'),
    LAUNCH_AGENT_BASE_IMAGE: await baseImage(),
  };
  const app = await snapshot();
  const ctx = {
    tracker,
    graveyard,
    env,
    scratch,
    root,
    agent: config.agent,
    bin: path.join(app, 'bin/launch-agent.js'),
    devcontainerBin: path.join(root, 'node_modules/.bin/devcontainer'),
    image: undefined,
  };
  const started = new Date();
  log(
    `run ${runId}${config.quick ? ' (quick)' : ''}: repos ${config.repos.map((r) => r.name).join(', ')}, ${config.iterations} iteration(s), methods ${config.methods.join(', ')}`,
  );
  const machine = await machineFacts(ctx);

  log('warming the images (images build --agent; builds only what is missing)');
  const warm = await run(process.execPath, [ctx.bin, 'images', 'build', '--agent', ctx.agent, '--json'], {
    env,
  });
  ctx.image = JSON.parse(warm.stdout).agentImage;
  log(`image ${ctx.image}`);

  const repos = [];
  for (const spec of config.repos) {
    const repo = await ensureRepo(spec, config.cacheDir, log);
    try {
      repos.push(await launchToReady(ctx, spec, repo));
    } catch (error) {
      log(`${spec.name} failed: ${error.message}`);
      repos.push({ name: spec.name, spec, repo, error: error.message });
    }
  }

  const medium = repos.find((r) => r.name === 'medium' && !r.error) ?? repos.find((r) => !r.error);
  const section = async (name, fn) => {
    if (config.skip.has(name)) return null;
    try {
      return await fn();
    } catch (error) {
      log(`${name} failed: ${error.message}`);
      return { error: error.message };
    }
  };
  const second = medium?.repo ? await section('second', () => secondAgent(ctx, medium.repo, log)) : null;
  const profile = medium?.repo ? await section('profile', () => profileCopy(ctx, medium.repo, log)) : null;
  const cli = await section('cli', () => cliOverhead(ctx, config, log));
  const images = await section('images', () => imagesBench(ctx));

  const result = {
    runId,
    quick: config.quick,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    iterations: config.iterations,
    image: ctx.image,
    baseImage: env.LAUNCH_AGENT_BASE_IMAGE,
    machine,
    repos: repos.map(({ repo, ...rest }) => ({ ...rest, repo: { ...repo, dir: undefined } })),
    second,
    cli,
    profile,
    images,
  };
  const { text, markdown } = renderReport(result);
  result.markdown = markdown;
  const dir = path.join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  const stamp = result.started.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  await writeFile(path.join(dir, `${stamp}${config.quick ? '-quick' : ''}.json`), json);
  await writeFile(path.join(dir, config.quick ? 'latest-quick.json' : 'latest.json'), json);
  await writeFile(path.join(dir, config.quick ? 'latest-quick.md' : 'latest.md'), `${markdown}\n`);
  process.stdout.write(`${text}\n`);
  log(`results in bench/results/${stamp}${config.quick ? '-quick' : ''}.json`);
}

/** One repo: a warm-up launch, then `iterations` rounds of every method in rotating order. */
async function launchToReady(ctx, spec, repo) {
  const { graveyard } = ctx;
  await graveyard.settle();
  log(`${spec.name}: warm-up launch (page cache, node's compile cache)`);
  graveyard.add(await ours(ctx, repo, `${spec.name}-warm`), repo.totalBytes);
  const times = Object.fromEntries(config.methods.map((m) => [m, []]));
  const parts = Object.fromEntries(config.methods.map((m) => [m, {}]));
  let floorCopiedInto;
  for (let i = 1; i <= config.iterations; i++) {
    const order = rotate(config.methods, i - 1);
    for (const method of order) {
      await graveyard.reserve(repo.totalBytes);
      await readAll(repo.dir);
      const outcome = await methods[method](ctx, repo, `${spec.name}-${i}`);
      times[method].push(outcome.ms);
      for (const [part, ms] of Object.entries(outcome.parts ?? {})) {
        parts[method][part] = [...(parts[method][part] ?? []), ms];
      }
      log(`${spec.name} #${i} ${METHOD_LABELS[method]}: ${(outcome.ms / 1000).toFixed(2)} s`);
      graveyard.add(outcome, method === 'devcontainer' ? 0 : repo.totalBytes);
      // The next method starts with this one's writes on disk, not still being written back.
      await run('sync', []);
      if (outcome.copiedInto) floorCopiedInto = outcome.copiedInto;
    }
  }
  const stats = Object.fromEntries(Object.entries(times).map(([m, values]) => [m, summarize(values)]));
  const ratios = Object.fromEntries(
    config.methods
      .filter((m) => m !== 'ours')
      .map((m) => [m, Math.round((stats.ours.median / stats[m].median) * 100) / 100]),
  );
  return {
    name: spec.name,
    spec,
    repo,
    stats,
    parts: Object.fromEntries(
      Object.entries(parts).map(([m, byPart]) => [
        m,
        Object.fromEntries(Object.entries(byPart).map(([p, values]) => [p, summarize(values)])),
      ]),
    ),
    ratios,
    floorCopiedInto,
  };
}

/** The image numbers come from bench/images.js (the images' own bench): its lines, as printed. */
async function imagesBench(ctx) {
  const app = path.resolve(path.dirname(ctx.bin), '..');
  const script = path.join(app, 'bench/images.js');
  if (!existsSync(script)) return { missing: 'bench/images.js is not there' };
  log('images: node bench/images.js (size, up-to-date check, per-agent rebuild)');
  const result = await run(process.execPath, [script], { env: ctx.env, cwd: app, allowFailure: true });
  if (result.code !== 0) {
    const lines = result.stderr.trim().split('\n');
    return { failed: (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').trim() };
  }
  return { lines: result.stdout.trim().split('\n') };
}

/**
 * A private copy of the built CLI (bin, dist, package.json, images, templates, bench/images.js;
 * node_modules linked), so a rebuild of the work tree during a long run cannot change what
 * is measured halfway.
 */
async function snapshot() {
  const app = path.join(scratch, 'app');
  await mkdir(path.join(app, 'bench'), { recursive: true });
  await cp(path.join(root, 'bin'), path.join(app, 'bin'), { recursive: true });
  await cp(path.join(root, 'dist'), path.join(app, 'dist'), { recursive: true });
  await cp(path.join(root, 'package.json'), path.join(app, 'package.json'));
  if (existsSync(path.join(root, 'bench/images.js'))) {
    await cp(path.join(root, 'bench/images.js'), path.join(app, 'bench/images.js'));
  }
  // Copied, not linked: bench/images.js copies images/ and edits the copy.
  for (const dir of ['images', 'templates']) {
    if (existsSync(path.join(root, dir)))
      await cp(path.join(root, dir), path.join(app, dir), { recursive: true });
  }
  await symlink(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
  return app;
}

function rotate(items, by) {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Reads every file of the repo (untimed) so each method starts with its source in the page
 * cache: the copies kept before a removal can otherwise push a large repo out of it.
 */
function readAll(dir) {
  return run('sh', ['-c', 'tar -cf - -C "$1" . | cat > /dev/null', 'sh', dir]);
}

/** LAUNCH_AGENT_BASE_IMAGE as given; else the locally made stand-in when node:22 is absent. */
async function baseImage() {
  if (process.env.LAUNCH_AGENT_BASE_IMAGE) return process.env.LAUNCH_AGENT_BASE_IMAGE;
  const has = async (ref) =>
    (await run('docker', ['image', 'inspect', ref], { allowFailure: true })).code === 0;
  if (!(await has('node:22-bookworm-slim')) && (await has('launch-agent-test/node:22-bookworm-slim'))) {
    return 'launch-agent-test/node:22-bookworm-slim';
  }
  return 'node:22-bookworm-slim';
}
