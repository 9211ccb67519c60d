#!/usr/bin/env node
// Session targets (issue 6): `launch-agent list` with 20 running agent containers (target < 400 ms),
// git checks included. Run after `npm run build`: node bench/sessions.js [COUNT].
// Launches COUNT containers through the CLI on a temp repo, measures, then removes them.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSessions } from '../dist/core/sessions.js';
import { resolveEndpoint } from '../dist/docker/connect.js';
import { DockerodeEngine } from '../dist/docker/dockerode-engine.js';

const count = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL('../bin/launch-agent.js', import.meta.url));
const baseImage =
  process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ?? process.env.LAUNCH_AGENT_BASE_IMAGE ?? 'node:22-bookworm-slim';
const fmtMs = (ms) => `${Math.round(ms)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(path.join(os.tmpdir(), 'la-bench-sessions-'));
const repo = path.join(dir, `bench-${randomBytes(3).toString('hex')}`);
const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
execFileSync('git', ['init', '-q', '-b', 'main', repo]);
git('config', 'user.name', 'Bench');
git('config', 'user.email', 'bench@example.com');
writeFileSync(path.join(repo, 'README.md'), '# bench\n');
git('add', '-A');
git('commit', '-q', '-m', 'init');
const env = {
  ...process.env,
  LAUNCH_AGENT_BASE_IMAGE: baseImage,
  LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'config'),
};

function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: exit ${code}\n${err}`)),
    );
  });
}

const names = [];
try {
  const t0 = performance.now();
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, (_, j) =>
      cli([repo, '--agent', 'claude', '-b', `b${i + j}`, '--detach', '--json']).then((out) =>
        names.push(JSON.parse(out).name),
      ),
    );
    await Promise.all(batch);
  }
  console.error(`(launched ${names.length} containers in ${fmtMs(performance.now() - t0)})`);

  // Let the launches' own load settle (up to 90 s) so the numbers are about `list`, not them.
  for (let waited = 0; os.loadavg()[0] > 2 && waited < 90; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  console.error(
    `(1-minute load average while measuring: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
  );

  const engine = new DockerodeEngine(resolveEndpoint());
  const core = [];
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    total = (await listSessions({ engine }, { repo: path.basename(repo) })).length;
    core.push(performance.now() - t);
  }
  const wall = async (args) => {
    await cli(args); // warm-up: disk cache, compile cache
    const times = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await cli(args);
      times.push(performance.now() - t);
    }
    return `median ${fmtMs(median(times))}, max ${fmtMs(Math.max(...times))}`;
  };
  // Only this run's containers: other people's on a shared engine must not change the numbers.
  const only = ['--repo', path.basename(repo)];
  const text = await wall(['list', ...only]);
  const json = await wall(['list', ...only, '--json']);
  const quiet = await wall(['list', ...only, '--quiet']);
  const startup = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await cli(['--version']);
    startup.push(performance.now() - t);
  }
  console.log(
    `list, ${total} running containers of this run: core median ${fmtMs(median(core))}, max ${fmtMs(Math.max(...core))}; ` +
      `node start-up alone (--version) median ${fmtMs(median(startup))}`,
  );
  console.log(
    `CLI wall over 10 runs (target < 400 ms): list ${text}; list --json ${json}; list --quiet ${quiet}`,
  );
} finally {
  if (names.length > 0) {
    const t = performance.now();
    await cli(['rm', '--force', ...names]).catch((e) => console.error(e.message));
    console.log(
      `rm --force of ${names.length} containers and their volumes: ${fmtMs(performance.now() - t)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
