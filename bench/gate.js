#!/usr/bin/env node
// The way back (issue 11), on the medium repo: launch-to-ready, the disk each session adds
// (its workspace volume against the repo's work tree), `git status` right after a launch in the
// container and on the host, `list` with N sessions, and push-to-landed with no host command.
// Run after `npm run build`: node bench/gate.js [SESSIONS=10]. BENCH_QUICK=1 for a small repo.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig } from './lib/config.js';
import { run } from './lib/proc.js';
import { ensureRepo } from './lib/repos.js';

const sessions = Number(process.argv[2] ?? 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/launch-agent.js');
const log = (message) => process.stderr.write(`bench: ${message}\n`);
const config = benchConfig();
const spec = config.repos.find((r) => r.name === 'medium');
const scratch = path.join(config.cacheDir, 'scratch', `gate-${randomBytes(3).toString('hex')}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${Math.round(ms)} ms`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const env = {
  ...process.env,
  LAUNCH_AGENT_CONFIG_DIR: path.join(scratch, 'config'),
  LAUNCH_AGENT_BASE_IMAGE:
    process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ??
    process.env.LAUNCH_AGENT_BASE_IMAGE ??
    'node:22-bookworm-slim',
};
const cli = (...args) => run(process.execPath, [bin, ...args], { env });
const sh = (container, script) => run('docker', ['exec', '-w', '/workspace', container, 'sh', '-c', script]);
const du = (dir, ...exclude) =>
  Number(
    execFileSync('du', ['-sb', ...exclude.map((e) => `--exclude=${e}`), dir], { encoding: 'utf8' }).split(
      '\t',
    )[0],
  );

const names = [];
try {
  await mkdir(path.join(scratch, 'config'), { recursive: true });
  const cached = await ensureRepo(spec, config.cacheDir, log);
  const repo = path.join(scratch, 'medium');
  await cp(cached.dir, repo, { recursive: true });
  // The copy has new inodes and times: refresh its index once, as a repo in use would have it.
  await run('git', ['-C', repo, 'update-index', '-q', '--refresh'], { allowFailure: true });
  const workTree = du(repo, '.git');
  const gitDir = du(path.join(repo, '.git'));
  log(`medium repo: work tree ${mb(workTree)}, .git ${mb(gitDir)}`);

  const launches = [];
  const volumes = [];
  for (let i = 0; i < sessions; i++) {
    const launched = await cli(repo, '--agent', 'claude', '-b', `g${i}`, '--detach', '--json');
    const result = JSON.parse(launched.stdout);
    names.push(result.name);
    launches.push(launched.ms);
    if (i === 0) log(`history: ${result.copied.history}, copy: ${result.copied.method}`);
    volumes.push(Number((await sh(result.name, 'du -sb /workspace | cut -f1')).stdout.trim()));
  }
  log(`launched ${sessions} sessions`);

  // git status right after a launch (the keeper refreshes the copied index once, in the background).
  const first = names[0];
  await new Promise((r) => setTimeout(r, 2000));
  const statusIn = [];
  for (let i = 0; i < 5; i++)
    statusIn.push((await sh(first, 'git --no-optional-locks status --porcelain >/dev/null')).ms);
  const statusHost = [];
  for (let i = 0; i < 5; i++)
    statusHost.push((await run('git', ['-C', repo, '--no-optional-locks', 'status', '--porcelain'])).ms);

  const lists = [];
  await cli('list', '--json');
  for (let i = 0; i < 5; i++) lists.push((await cli('list', '--json')).ms);

  // Push-to-landed: from the start of `git push` in the container to the branch in the host repo.
  const landings = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await sh(
      first,
      `echo ${i} >> bench-gate.txt && git add bench-gate.txt && git commit -q -m "bench ${i}" && git push -q 2>&1`,
    );
    const want = (await sh(first, 'git rev-parse HEAD')).stdout.trim();
    for (;;) {
      const have = await run('git', ['-C', repo, 'rev-parse', '-q', '--verify', 'refs/heads/claude/g0'], {
        allowFailure: true,
      });
      if (have.stdout.trim() === want) break;
      if (performance.now() - started > 30_000) throw new Error('the push did not land within 30 s');
      await new Promise((r) => setTimeout(r, 25));
    }
    landings.push(performance.now() - started);
  }

  const rows = [
    ['launch-to-ready, medium (median of sessions)', fmt(median(launches))],
    [
      'workspace volume per session (median)',
      `${mb(median(volumes))} (${(median(volumes) / workTree).toFixed(2)}x the work tree ${mb(workTree)}; .git on the host ${mb(gitDir)})`,
    ],
    ['git status in the container after launch (median of 5)', fmt(median(statusIn))],
    ['git status on the host (median of 5)', fmt(median(statusHost))],
    [`launch-agent list --json with ${sessions} sessions (median of 5)`, fmt(median(lists))],
    ['git push to branch in the host repo, no host command (median of 5)', fmt(median(landings))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  process.stdout.write(
    `samples: launches ${launches.map(fmt).join(', ')}; landings ${landings.map(fmt).join(', ')}; lists ${lists.map(fmt).join(', ')}\n`,
  );
} finally {
  if (names.length > 0) await cli('rm', '--force', ...names).catch((e) => log(`cleanup: ${e.message}`));
  await rm(scratch, { recursive: true, force: true });
}
