// The measurements beside launch-to-ready: a second agent, idle memory, CLI overhead, and a
// breakdown of the copy (where its time goes) for the profile notes.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { diskUsage, docker, memoryOf } from './docker.js';
import { ours } from './methods.js';
import { run } from './proc.js';
import { summarize } from './report.js';
import { ensureRepo } from './repos.js';

const IDLE_SECONDS = 10;

/**
 * A second agent on the same repo while the first runs: its launch time and the disk it adds
 * (its workspace volume + its container layer). The first container, idle, gives the memory.
 */
export async function secondAgent(ctx, repo, log) {
  await ctx.graveyard.settle();
  log(`second agent on ${path.basename(repo.dir)}`);
  const first = await ours(ctx, repo, 'second-a');
  const second = await ours(ctx, repo, 'second-b');
  log(`second agent: ${(second.ms / 1000).toFixed(2)} s; idling ${IDLE_SECONDS} s for the memory reading`);
  await sleep(IDLE_SECONDS * 1000);
  const memory = await memoryOf(first.container);
  const df = await diskUsage();
  const result = {
    firstMs: Math.round(first.ms),
    secondMs: Math.round(second.ms),
    secondParts: second.parts,
    extraDisk: {
      volume: df.volume(second.volume),
      containerLayer: df.container(second.container),
    },
    firstDisk: { volume: df.volume(first.volume), containerLayer: df.container(first.container) },
    idle: { afterSeconds: IDLE_SECONDS, ...memory },
  };
  result.extraDisk.total = (result.extraDisk.volume ?? 0) + (result.extraDisk.containerLayer ?? 0);
  ctx.graveyard.add(first, repo.totalBytes);
  ctx.graveyard.add(second, repo.totalBytes);
  return result;
}

/** `--help`, `list` with N containers, `images build` when everything is up to date. */
export async function cliOverhead(ctx, config, log) {
  const node = process.execPath;
  const repeat = async (args) => {
    await run(node, [ctx.bin, ...args], { env: ctx.env }); // warm-up: disk cache, compile cache
    const times = [];
    for (let i = 0; i < config.cliRepeats; i++)
      times.push((await run(node, [ctx.bin, ...args], { env: ctx.env })).ms);
    return summarize(times);
  };
  await ctx.graveyard.flush();
  log('CLI overhead: node -e 0, --version, --help, images build');
  const bare = [];
  for (let i = 0; i < config.cliRepeats; i++) bare.push((await run(node, ['-e', '0'])).ms);
  const nodeBare = summarize(bare);
  const version = await repeat(['--version']);
  const help = await repeat(['--help']);
  const upToDate = JSON.parse(
    (await run(node, [ctx.bin, 'images', 'build', '--json'], { env: ctx.env })).stdout,
  );
  const imagesBuild = await repeat(['images', 'build']);

  let list;
  const hasList =
    (await run(node, [ctx.bin, 'list', '--help'], { env: ctx.env, allowFailure: true })).code === 0;
  if (!hasList) {
    list = { missing: 'the list command is not there yet' };
  } else {
    const tiny = await ensureRepo({ name: 'tiny', files: 20, mb: 0.05, commits: 3 }, config.cacheDir, log);
    log(`list: launching ${config.listContainers} containers`);
    const launched = [];
    try {
      for (let i = 0; i < config.listContainers; i++) launched.push(await ours(ctx, tiny, `list-${i}`));
      const listed = JSON.parse((await run(node, [ctx.bin, 'list', '--json'], { env: ctx.env })).stdout);
      list = {
        containers: config.listContainers,
        listed: Array.isArray(listed) ? listed.length : null,
        text: await repeat(['list']),
        json: await repeat(['list', '--json']),
        quiet: await repeat(['list', '--quiet']),
      };
    } finally {
      await ctx.tracker.remove({
        containers: launched.map((l) => l.container),
        volumes: launched.map((l) => l.volume),
      });
    }
  }
  return {
    repeats: config.cliRepeats,
    nodeBare,
    version,
    help,
    imagesBuild,
    imagesUpToDate: upToDate.built === 0,
    list,
  };
}

/**
 * Where the copy's time goes, on one repo: git's file list, the tar built in-process by the
 * launcher's own modules (to /dev/null and to a file), and the engine extracting that tar into a
 * fresh volume on its own (`docker cp -` = the same PUT /archive the launcher makes).
 */
export async function profileCopy(ctx, repo, log) {
  await ctx.graveyard.settle();
  log(`profile: where the copy's time goes (${path.basename(repo.dir)})`);
  const root = path.resolve(path.dirname(ctx.bin), '..');
  const dist = (file) => pathToFileURL(path.join(root, 'dist', file)).href;
  const result = {};
  const times = async (n, fn) => {
    const values = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await fn();
      values.push(performance.now() - started);
    }
    return summarize(values);
  };
  result.gitLsFiles = await times(3, () =>
    run('git', ['-C', repo.dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard']),
  );
  const tarFile = path.join(ctx.scratch, 'profile.tar');
  try {
    const { readRepo } = await import(dist('git/repo.js'));
    const { OwnedTar } = await import(dist('workspace/tar.js'));
    const { addWorkspace, listWorkTree } = await import(dist('workspace/workspace.js'));
    result.readRepo = await times(3, () => readRepo(repo.dir));
    const facts = await readRepo(repo.dir);
    const build = async (sink) => {
      const tar = new OwnedTar({ uid: 1000, gid: 1000 });
      const writing = (async () => {
        await addWorkspace(tar, {
          repo: facts,
          branch: 'claude/profile',
          entries: await listWorkTree(facts.root, false),
          prefix: 'workspace',
        });
        tar.finish();
      })();
      await Promise.all([pipeline(tar.pack, sink()), writing]);
    };
    result.tarToDevNull = await times(3, () =>
      build(() => new Writable({ write: (_chunk, _encoding, callback) => callback() })),
    );
    result.tarToFile = await times(1, () => build(() => createWriteStream(tarFile)));
    result.tarBytes = (await stat(tarFile)).size;
  } catch (error) {
    result.inProcessError = `the launcher's workspace modules could not be driven directly: ${error.message}`;
  }
  if (result.tarBytes) {
    const extract = [];
    for (let i = 0; i < 3; i++) {
      const name = ctx.tracker.container(ctx.tracker.name('extract', String(i)));
      const volume = ctx.tracker.volume(`${name}-ws`);
      await docker([
        'create',
        '--name',
        name,
        '--label',
        `labench.run=${ctx.tracker.prefix}`,
        '--mount',
        `type=volume,src=${volume},dst=/workspace,volume-label=labench.run=${ctx.tracker.prefix}`,
        ctx.image,
        'sleep',
        'infinity',
      ]);
      await run('sync', []);
      extract.push(await pipeInto(tarFile, ['cp', '-', `${name}:/`]));
      ctx.graveyard.add({ container: name, volume }, result.tarBytes);
    }
    result.engineExtract = summarize(extract);
    const name = ctx.tracker.container(ctx.tracker.name('start', 'probe'));
    const volume = ctx.tracker.volume(`${name}-ws`);
    const created = await docker([
      'create',
      '--name',
      name,
      '--label',
      `labench.run=${ctx.tracker.prefix}`,
      '--mount',
      `type=volume,src=${volume},dst=/workspace,volume-label=labench.run=${ctx.tracker.prefix}`,
      ctx.image,
      'sleep',
      'infinity',
    ]);
    const started = await docker(['start', name]);
    result.dockerCreate = Math.round(created.ms);
    result.dockerStart = Math.round(started.ms);
    ctx.graveyard.add({ container: name, volume });
  }
  await rm(tarFile, { force: true });
  // The same files by host `cp -a` into a fresh volume's folder and into a scratch folder: on
  // this disk the two regions differ (see docs/benchmarks.md, "Deferred removal").
  const volume = ctx.tracker.volume(ctx.tracker.name('hostcp'));
  await docker(['volume', 'create', '--label', `labench.run=${ctx.tracker.prefix}`, volume]);
  const mountpoint = (await docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', volume])).stdout.trim();
  const intoVolume = path.join(mountpoint, 'copy');
  const intoScratch = path.join(ctx.scratch, 'hostcp');
  await run('sync', []);
  const toVolume = await run('cp', ['-a', repo.dir, intoVolume], { allowFailure: true });
  await run('sync', []);
  const toScratch = await run('cp', ['-a', repo.dir, intoScratch]);
  result.hostCopyIntoVolume = toVolume.code === 0 ? Math.round(toVolume.ms) : null;
  result.hostCopyIntoScratch = Math.round(toScratch.ms);
  ctx.graveyard.add({ volume, paths: [intoScratch] }, repo.totalBytes * 2);
  return result;
}

/** `docker <args>` with `file` on stdin; its wall time in ms. */
async function pipeInto(file, args) {
  const started = performance.now();
  const child = spawn('docker', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker ${args.join(' ')}: ${stderr}`)),
    ),
  );
  await pipeline(createReadStream(file), child.stdin);
  await exited;
  return performance.now() - started;
}
