// Generates the benchmark repositories with `git fast-import` (one stream, no per-file git
// calls) and caches them by spec, so re-runs start at once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './proc.js';

const GENERATOR_VERSION = 1;
/** Share of the work tree's bytes that is incompressible (images, archives, fonts...). */
const BINARY_SHARE = 0.1;
const FILES_PER_DIR = 30;
/** History commits touch small files in history/hNN/fNN.txt: commit + 3 trees + blob = 5 objects. */
const HISTORY_DIRS = 20;
const HISTORY_FILES_PER_DIR = 25;

/**
 * A repo spec: `files` in the tip tree totalling about `mb` MB of work tree, on top of
 * `commits` small history commits (about 5 git objects each).
 */
export function repoKey(spec) {
  return `${spec.name}-${spec.files}f-${spec.mb}mb-${spec.commits}c-v${GENERATOR_VERSION}`;
}

/** The cached repo for `spec`, generated first when missing. Returns its path and facts. */
export async function ensureRepo(spec, cacheDir, log) {
  const key = repoKey(spec);
  const dir = path.join(cacheDir, 'repos', key);
  const factsFile = `${dir}.json`;
  if (existsSync(factsFile) && existsSync(dir)) {
    return { dir, ...JSON.parse(await readFile(factsFile, 'utf8')) };
  }
  await rm(dir, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const started = performance.now();
  log(`generating ${spec.name} repo (${spec.files} files, ~${spec.mb} MB, ${spec.commits} history commits)`);
  await run('git', ['init', '-q', '-b', 'main', partial]);
  await fastImport(partial, spec);
  await run('git', ['-C', partial, 'reset', '-q', '--hard', 'main']);
  await rename(partial, dir);
  const facts = await measureRepo(dir);
  facts.generatedSeconds = (performance.now() - started) / 1000;
  await writeFile(factsFile, `${JSON.stringify(facts, null, 2)}\n`);
  log(
    `generated ${spec.name}: ${facts.files} files, ${mb(facts.totalBytes)} MB (.git ${mb(facts.gitBytes)} MB, ${facts.objects} objects) in ${facts.generatedSeconds.toFixed(1)} s`,
  );
  return { dir, ...facts };
}

async function measureRepo(dir) {
  const files = (await run('git', ['-C', dir, 'ls-files', '-z'])).stdout.split('\0').filter(Boolean).length;
  const total = Number((await run('du', ['-sb', dir])).stdout.split('\t')[0]);
  const gitBytes = Number((await run('du', ['-sb', path.join(dir, '.git')])).stdout.split('\t')[0]);
  const counts = Object.fromEntries(
    (await run('git', ['-C', dir, 'count-objects', '-v'])).stdout
      .trim()
      .split('\n')
      .map((line) => line.split(': '))
      .map(([k, v]) => [k, Number(v)]),
  );
  return {
    files,
    totalBytes: total,
    workTreeBytes: total - gitBytes,
    gitBytes,
    objects: (counts.count ?? 0) + (counts['in-pack'] ?? 0),
  };
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(0);
}

/** Streams the whole history into `git fast-import`, honouring back-pressure. */
async function fastImport(dir, spec) {
  const child = spawn('git', ['-C', dir, 'fast-import', '--quiet', '--done'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const write = (data) =>
    child.stdin.write(data)
      ? Promise.resolve()
      : new Promise((resolve) => child.stdin.once('drain', resolve));
  const pool = textPool();
  let time = 1_700_000_000;
  const commitHeader = (message) => {
    time += 60;
    const msg = Buffer.from(`${message}\n`);
    return `commit refs/heads/main\ncommitter Bench <bench@example.com> ${time} +0000\ndata ${msg.length}\n${msg}`;
  };
  const inline = async (file, content) => {
    await write(`M 100644 inline ${file}\ndata ${content.length}\n`);
    await write(content);
    await write('\n');
  };

  // The tip tree's files first, in one commit; then the history on top of it.
  await write(commitHeader('initial import'));
  const average = (spec.mb * 1e6) / spec.files;
  let counter = 0;
  for (let i = 0; i < spec.files; i++) {
    const dirIndex = Math.floor(i / FILES_PER_DIR);
    const binary = i % Math.round(1 / BINARY_SHARE) === 0;
    // Sizes vary around the average (0.25x..1.75x), so some files are large, most are small.
    const size = Math.max(16, Math.round(average * (0.25 + (1.5 * ((i * 7919) % 1000)) / 1000)));
    const file = binary
      ? `assets/a${dirIndex % 40}/blob${i}.bin`
      : `src/m${dirIndex % 60}/p${dirIndex}/file${i}.ts`;
    await inline(file, binary ? randomBytes(size) : pool.slice(`// file ${i}\n`, size));
    counter++;
  }
  await write('\n');
  for (let c = 0; c < spec.commits; c++) {
    await write(commitHeader(`change ${c}`));
    const d = c % HISTORY_DIRS;
    const f = Math.floor(c / HISTORY_DIRS) % HISTORY_FILES_PER_DIR;
    await inline(`history/h${d}/f${f}.txt`, pool.slice(`change ${c}\n`, 120 + (c % 200)));
    await write('\n');
  }
  await write('done\n');
  child.stdin.end();
  await exited;
  return counter;
}

/** Source-like text: slices of a 4 MB pool of random words, each with a unique first line. */
function textPool() {
  const words = Array.from({ length: 1000 }, () =>
    randomBytes(6)
      .toString('base64url')
      .slice(0, 3 + Math.floor(Math.random() * 7)),
  );
  const parts = [];
  let length = 0;
  while (length < 4 * 1024 * 1024) {
    let line = '  '.repeat(Math.floor(Math.random() * 4));
    const n = 3 + Math.floor(Math.random() * 9);
    for (let k = 0; k < n; k++) line += `${words[Math.floor(Math.random() * words.length)]} `;
    line += ';\n';
    parts.push(line);
    length += line.length;
  }
  const pool = Buffer.from(parts.join(''));
  return {
    slice(head, size) {
      const chunks = [Buffer.from(head)];
      let rest = Math.max(0, size - chunks[0].length);
      while (rest > 0) {
        const take = Math.min(rest, pool.length / 2);
        const start = Math.floor(Math.random() * (pool.length - take));
        chunks.push(pool.subarray(start, start + take));
        rest -= take;
      }
      return Buffer.concat(chunks);
    },
  };
}
