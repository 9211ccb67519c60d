#!/usr/bin/env node
// Foundation numbers (issue 2): how long the CLI takes to start (`--version`, `--help`) and
// to run `doctor --json` against the real engine, as a user runs it, beside `node -e 0` (the
// floor any Node CLI pays). Prints the median and the minimum of RUNS runs (the minimum is the
// better figure on a machine shared with other work).
// Run after `npm run build` (bin/ runs dist/bundle/): node bench/cli-startup.js [RUNS]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 7);
const bin = fileURLToPath(new URL('../bin/launch-agent.js', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(args) {
  const argv = args[0] === '-e' ? args : [bin, ...args];
  const walls = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, argv, { encoding: 'utf8' });
    walls.push(performance.now() - started);
    // doctor exits 1 when a check fails on this machine; that is still a full run.
    if (result.status !== 0 && !(args[0] === 'doctor' && result.status === 1)) {
      throw new Error(`launch-agent ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
  }
  return { median: median(walls), min: Math.min(...walls) };
}

const rows = [['-e', '0'], ['--version'], ['--help'], ['doctor', '--json']].map((args) => ({
  command: args[0] === '-e' ? `node ${args.join(' ')}` : `launch-agent ${args.join(' ')}`,
  ...measure(args),
}));
const width = Math.max(...rows.map((r) => r.command.length));
const ms = (n) => `${String(Math.round(n)).padStart(5)} ms`;
console.log(
  `node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${runs} runs`,
);
console.log(`${'command'.padEnd(width)}    median       min`);
for (const r of rows) console.log(`${r.command.padEnd(width)}  ${ms(r.median)}  ${ms(r.min)}`);
