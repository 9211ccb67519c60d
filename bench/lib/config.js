import os from 'node:os';
import path from 'node:path';

/** Full-size repos (issue 7): small ~20 MB, medium ~150 MB / ~300k objects, large ~1 GB / ~50k files. */
const FULL = {
  small: { name: 'small', files: 1500, mb: 12, commits: 200 },
  medium: { name: 'medium', files: 3000, mb: 70, commits: 60_000 },
  large: { name: 'large', files: 50_000, mb: 600, commits: 2_000 },
};

/** BENCH_QUICK=1: the same shapes, a fraction of the size, one iteration. */
const QUICK = {
  small: { name: 'small', files: 300, mb: 2, commits: 50 },
  medium: { name: 'medium', files: 600, mb: 8, commits: 3_000 },
  large: { name: 'large', files: 3_000, mb: 30, commits: 200 },
};

const METHODS = ['ours', 'oursStream', 'bindCp', 'dockerCp', 'devcontainer', 'floor'];

/**
 * Everything the run reads from the environment:
 * BENCH_QUICK=1, BENCH_ITERATIONS=5, BENCH_REPOS=small,medium,large,
 * BENCH_SMALL|MEDIUM|LARGE="files=3000,mb=70,commits=60000", BENCH_METHODS=ours,bindCp,...,
 * BENCH_LIST_CONTAINERS=20, BENCH_CACHE_DIR (default $TMPDIR/launch-agent-bench),
 * BENCH_AGENT=claude, BENCH_SKIP=second,cli,profile,images, BENCH_DISK_BUDGET_GB=6 (copies kept
 * before a removal), BENCH_COOLDOWN_SECONDS=65 (wait after a removal; 0 in quick mode).
 */
export function benchConfig(env = process.env) {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const base = quick ? QUICK : FULL;
  const names = list(env.BENCH_REPOS) ?? Object.keys(base);
  const repos = names.map((name) => {
    const spec = base[name];
    if (!spec) throw new Error(`BENCH_REPOS: unknown repo \`${name}\`, expected small, medium or large`);
    return { ...spec, ...parseSpec(env[`BENCH_${name.toUpperCase()}`], name) };
  });
  const methods = list(env.BENCH_METHODS) ?? METHODS;
  for (const m of methods) {
    if (!METHODS.includes(m))
      throw new Error(`BENCH_METHODS: unknown method \`${m}\`, expected ${METHODS.join(', ')}`);
  }
  if (!methods.includes('ours')) methods.unshift('ours');
  return {
    quick,
    repos,
    methods,
    iterations: positive(env.BENCH_ITERATIONS, quick ? 1 : 5, 'BENCH_ITERATIONS'),
    listContainers: positive(env.BENCH_LIST_CONTAINERS, quick ? 5 : 20, 'BENCH_LIST_CONTAINERS'),
    cliRepeats: quick ? 3 : 10,
    diskBudgetBytes: positive(env.BENCH_DISK_BUDGET_GB, 6, 'BENCH_DISK_BUDGET_GB') * 1e9,
    cooldownSeconds: nonNegative(env.BENCH_COOLDOWN_SECONDS, quick ? 0 : 65, 'BENCH_COOLDOWN_SECONDS'),
    cacheDir: env.BENCH_CACHE_DIR ?? path.join(os.tmpdir(), 'launch-agent-bench'),
    agent: env.BENCH_AGENT ?? 'claude',
    skip: new Set(list(env.BENCH_SKIP) ?? []),
  };
}

function list(value) {
  if (!value) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(value, fallback, name) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got \`${value}\``);
  return n;
}

function nonNegative(value, fallback, name) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got \`${value}\``);
  return n;
}

function parseSpec(value, name) {
  if (!value) return {};
  const spec = {};
  for (const pair of value.split(',')) {
    const [key, raw] = pair.split('=');
    const n = Number(raw);
    if (!['files', 'mb', 'commits'].includes(key ?? '') || !Number.isFinite(n) || n < 0) {
      throw new Error(`BENCH_${name.toUpperCase()}: expected files=N,mb=N,commits=N, got \`${pair}\``);
    }
    spec[key] = n;
  }
  return spec;
}
