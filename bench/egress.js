#!/usr/bin/env node
// Egress (issue 14): which proxy, and what `--network allowlist` costs a launch.
// Run after `npm run build` and `launch-agent images build` (the proxy image):
//   node bench/egress.js [ROUNDS]    (default 5; 0: the proxy candidates only)
// 1. The candidates, each on the same internal network with the same policy: Debian's tinyproxy
//    (images/proxy, what launch-agent uses) and Debian's squid (bench/egress/squid): image size,
//    start to accepting connections, memory idle and after 220 requests, time to a 403 and to a
//    proxied npm registry request.
// 2. Launch-to-ready and memory of a session with --network allowlist vs bridge (ROUNDS each).
// Requests go only to the npm registry (allowed) and to names the proxies refuse before any lookup.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
const bin = fileURLToPath(new URL('../bin/launch-agent.js', import.meta.url));
const squidContext = fileURLToPath(new URL('./egress/squid', import.meta.url));
const baseImage =
  process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ?? process.env.LAUNCH_AGENT_BASE_IMAGE ?? 'node:22-bookworm-slim';
const id = randomBytes(3).toString('hex');
const prefix = `labench-egress-${id}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const docker = (...args) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const quiet = (...args) => {
  try {
    docker(...args);
  } catch {
    // already gone
  }
};

/** Memory as `docker stats` shows it (usage minus page cache), in bytes. */
function memoryOf(container) {
  const text = docker('stats', '--no-stream', '--format', '{{.MemUsage}}', container).split(' / ')[0] ?? '';
  const match = /^([\d.]+)\s*([KMG]i?B|B)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2]] ?? 1;
  return Number(match[1]) * unit;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function candidates() {
  const network = `${prefix}-net`;
  const client = `${prefix}-client`;
  const squidImage = `${prefix}-squid`;
  const made = { containers: [client], images: [squidImage], networks: [network] };
  const rows = [];
  try {
    const proxyImage = docker('image', 'inspect', '--format', '{{.Id}}', 'launch-agent/proxy:latest');
    console.error('(building the squid candidate)');
    docker('build', '-q', '--build-arg', `BASE_IMAGE=${baseImage}`, '-t', squidImage, squidContext);
    docker('network', 'create', '--internal', network);
    const filter = path.join(mkdtempSync(path.join(os.tmpdir(), 'la-bench-egress-')), 'filter');
    writeFileSync(filter, '^registry\\.npmjs\\.org$\n^deb\\.debian\\.org$\n');
    const specs = [
      { name: 'tinyproxy', image: proxyImage, ready: /Starting main loop/, extraSize: 0 },
      {
        name: 'squid',
        image: squidImage,
        ready: /Accepting HTTP Socket connections/,
        // What squid adds over the base image both are built on.
        extraSize: -Number(docker('image', 'inspect', '--format', '{{.Size}}', baseImage)),
      },
    ];
    docker(
      'run',
      '-d',
      '--name',
      client,
      '--network',
      network,
      'launch-agent/base:latest',
      'sleep',
      'infinity',
    );
    for (const spec of specs) {
      const name = `${prefix}-${spec.name}`;
      made.containers.push(name);
      docker(
        'create',
        '--name',
        name,
        '--network',
        network,
        '--network-alias',
        spec.name,
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges:true',
        '--memory',
        '256m',
        spec.image,
      );
      docker('network', 'connect', 'bridge', name);
      if (spec.name === 'tinyproxy') docker('cp', filter, `${name}:/etc/tinyproxy/filter`);
      // Start to accepting connections, 5 times (stop, start): its own log line against StartedAt.
      const starts = [];
      for (let k = 0; k < 5; k++) {
        if (k > 0) docker('stop', '-t', '2', name);
        docker('start', name);
        const startedAt = docker('inspect', '--format', '{{.State.StartedAt}}', name);
        for (let i = 0; i < 100; i++) {
          // Both streams: squid writes its cache log to stderr.
          const logs = execFileSync(
            'sh',
            ['-c', `docker logs --timestamps --since ${startedAt} ${name} 2>&1`],
            {
              encoding: 'utf8',
            },
          );
          const line = logs.split('\n').find((l) => spec.ready.test(l));
          if (line) {
            starts.push(Date.parse(line.split(' ')[0]) - Date.parse(startedAt));
            break;
          }
          await sleep(50);
        }
      }
      const readyMs = median(starts);
      spec.readyMs = readyMs;
    }
    await sleep(3000);
    for (const spec of specs) spec.idle = memoryOf(`${prefix}-${spec.name}`);
    // Interleaved, so that the machine's load falls on both alike.
    const times = (url, count) =>
      docker(
        'exec',
        client,
        'sh',
        '-c',
        `for i in $(seq 1 ${count}); do for p in ${specs.map((x) => x.name).join(' ')}; do ` +
          `printf '%s ' $p; curl -s -o /dev/null -w '%{time_total}\\n' -x http://$p:8888 ${url}; done; done; true`,
      )
        .split('\n')
        .map((line) => line.split(' '));
    const refused = times('https://refused-$i.example/', 200);
    const allowed = times('https://registry.npmjs.org/left-pad', 20);
    const of = (samples, proxy) => samples.filter(([p]) => p === proxy).map(([, t]) => Number(t) * 1000);
    for (const spec of specs) {
      const name = `${prefix}-${spec.name}`;
      const size = Number(docker('image', 'inspect', '--format', '{{.Size}}', spec.image)) + spec.extraSize;
      rows.push({
        proxy: spec.name,
        imageBytes: size,
        readyMs: spec.readyMs,
        idleBytes: spec.idle,
        after200Bytes: memoryOf(name),
        refusedMs: median(of(refused, spec.name)),
        npmMs: median(of(allowed, spec.name)),
      });
    }
  } finally {
    for (const c of made.containers) quiet('rm', '-f', c);
    for (const n of made.networks) quiet('network', 'rm', n);
    for (const i of made.images) quiet('rmi', i);
  }
  return rows;
}

function cli(args, env) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
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
      code === 0
        ? resolve({ out, ms: performance.now() - t })
        : reject(new Error(`${args.join(' ')}: exit ${code}\n${err}`)),
    );
  });
}

async function launches() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'la-bench-egress-'));
  const repo = path.join(dir, `egress-bench-${id}`);
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
  const samples = { bridge: [], allowlist: [] };
  try {
    // One warm-up each: images checked, page cache filled.
    for (let round = -1; round < rounds; round++) {
      for (const mode of ['bridge', 'allowlist']) {
        const { out, ms } = await cli(
          [repo, '-b', `${mode}${round + 1}`, '--network', mode, '--detach', '--json'],
          env,
        );
        const name = JSON.parse(out).name;
        try {
          if (round < 0) continue;
          await sleep(10_000);
          const agent = memoryOf(name);
          const proxy = mode === 'allowlist' ? memoryOf(`${name}-egress`) : 0;
          samples[mode].push({ ms, agent, proxy });
        } finally {
          await cli(['rm', '--force', name], env);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.entries(samples).map(([mode, list]) => ({
    mode,
    launchMs: median(list.map((s) => s.ms)),
    launchRange: [Math.min(...list.map((s) => s.ms)), Math.max(...list.map((s) => s.ms))],
    agentBytes: median(list.map((s) => s.agent)),
    proxyBytes: median(list.map((s) => s.proxy)),
  }));
}

const machine = `${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, Docker ${docker('version', '--format', '{{.Server.Version}}')}`;
const proxies = await candidates();
console.log(`## Proxy candidates (${machine})\n`);
console.log(
  '| proxy | image | start to accepting (median of 5) | memory idle | after 220 requests | 403 (median of 200) | npm registry via proxy (median of 20) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of proxies) {
  console.log(
    `| ${r.proxy} | ${mib(r.imageBytes)}${r.proxy === 'squid' ? ' over the base' : ''} | ${Math.round(r.readyMs)} ms | ${mib(r.idleBytes)} | ${mib(r.after200Bytes)} | ${r.refusedMs.toFixed(1)} ms | ${Math.round(r.npmMs)} ms |`,
  );
}
// ROUNDS 0: the candidates only.
const modes = rounds > 0 ? await launches() : [];
if (modes.length === 0) process.exit(0);
console.log(`\n## Launch: --network allowlist vs bridge (${rounds} rounds, tiny repo)\n`);
console.log('| mode | launch-to-ready (median, range) | agent container memory | proxy memory |');
console.log('| --- | --- | --- | --- |');
for (const m of modes) {
  console.log(
    `| ${m.mode} | ${(m.launchMs / 1000).toFixed(2)} s (${(m.launchRange[0] / 1000).toFixed(2)}-${(m.launchRange[1] / 1000).toFixed(2)}) | ${mib(m.agentBytes)} | ${m.mode === 'allowlist' ? mib(m.proxyBytes) : '-'} |`,
  );
}
