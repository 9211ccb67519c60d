#!/usr/bin/env node
// What the shell aliases cost a new shell (issue 17's target: under 20 ms), and what a TAB
// costs: bash and zsh each source templates/aliases.sh (with the completion scripts beside it)
// RUNS times, timed inside the shell, beside the same shell sourcing nothing; then
// `launch-agent __complete` for a command name and for container names.
// Run after `npm run build`: node bench/shell-start.js [RUNS]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'launch-agent.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const has = (shell) => spawnSync(shell, ['-c', 'true']).status === 0;

const dir = mkdtempSync(path.join(os.tmpdir(), 'la-shell-start-'));
try {
  for (const file of ['aliases.sh', 'completion.bash', 'completion.zsh']) {
    copyFileSync(path.join(root, 'templates', file), path.join(dir, file));
  }
  const aliases = path.join(dir, 'aliases.sh');
  // Milliseconds spent in `. aliases.sh`, measured by the shell itself (no process start in it).
  const inShell = {
    bash: `s=$EPOCHREALTIME; . '${aliases}'; e=$EPOCHREALTIME; echo "$s $e"`,
    zsh: `zmodload zsh/datetime; autoload -Uz compinit; compinit -u -D; s=$EPOCHREALTIME; . '${aliases}'; e=$EPOCHREALTIME; echo "$s $e"`,
  };
  const rows = [];
  for (const shell of ['bash', 'zsh'].filter(has)) {
    const args = shell === 'zsh' ? ['-f', '-c', inShell.zsh] : ['-c', inShell.bash];
    const times = [];
    for (let i = 0; i < runs; i++) {
      const [s, e] = execFileSync(shell, args, { encoding: 'utf8' }).trim().split(' ').map(Number);
      times.push((e - s) * 1000);
    }
    rows.push([`${shell}: . aliases.sh`, median(times), Math.max(...times)]);
  }
  const tab = (words) => {
    const times = [];
    for (let i = 0; i < Math.min(runs, 7); i++) {
      const started = performance.now();
      spawnSync(process.execPath, [bin, '__complete', 'bash', '--', ...words], { encoding: 'utf8' });
      times.push(performance.now() - started);
    }
    return [median(times), Math.max(...times)];
  };
  rows.push(['TAB: launch-agent li<TAB>', ...tab(['li'])]);
  rows.push(['TAB: launch-agent attach <TAB> (asks the engine)', ...tab(['attach', ''])]);
  const width = Math.max(...rows.map((r) => r[0].length));
  const ms = (n) => `${n.toFixed(1).padStart(7)} ms`;
  console.log(`${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${runs} runs`);
  console.log(`${'what'.padEnd(width)}     median        max`);
  for (const [what, med, max] of rows) console.log(`${what.padEnd(width)}  ${ms(med)} ${ms(max)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
