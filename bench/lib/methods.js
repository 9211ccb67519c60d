// One function per way of getting a repo into a running container. Each returns the wall time
// from its first command to "ready" (and its parts), and leaves what it made to the caller.
import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { docker } from './docker.js';
import { run, waitForLine } from './proc.js';

export const METHOD_LABELS = {
  ours: 'launch-agent',
  oursStream: 'launch-agent, archive stream',
  bindCp: '(a) bind + cp -r',
  dockerCp: '(b) run + docker cp',
  devcontainer: '(c) devcontainer up',
  floor: '(d) floor: run + cp -a',
};

export const methods = { ours, oursStream, bindCp, dockerCp, devcontainer, floor };

/** `launch-agent <repo> --detach --json` as a user types it: node start-up included. */
export async function ours(ctx, repo, tag, extraArgs = []) {
  const name = ctx.tracker.container(ctx.tracker.name('ours', tag));
  const volume = ctx.tracker.volume(`${name}-workspace`);
  const result = await run(
    process.execPath,
    [
      ctx.bin,
      repo.dir,
      '--agent',
      ctx.agent,
      '-b',
      tag,
      '--name',
      name,
      '--detach',
      '--json',
      '--verbose',
      ...extraArgs,
    ],
    { env: ctx.env },
  );
  const json = JSON.parse(result.stdout);
  const steps = {};
  for (const match of result.stderr.matchAll(/^debug: ([\w-]+): .*\((\d+) ms\)\s*$/gm)) {
    steps[match[1]] = (steps[match[1]] ?? 0) + Number(match[2]);
  }
  const inSteps = Object.values(steps).reduce((a, b) => a + b, 0);
  steps.other = Math.max(0, Math.round(result.ms - inSteps));
  return {
    ms: result.ms,
    parts: steps,
    container: name,
    volume,
    image: json.image,
    files: json.copied?.files,
  };
}

/**
 * The same launch through the engine's archive API, as every engine that is not on this machine
 * (remote, Docker Desktop, Podman, rootless) gets it: `LAUNCH_AGENT_COPY=stream`.
 */
async function oursStream(ctx, repo, tag) {
  return ours({ ...ctx, env: { ...ctx.env, LAUNCH_AGENT_COPY: 'stream' } }, repo, `${tag}-stream`);
}

/** (a) The original design: bind-mount the repo read-only, `cp -r` it into the volume at start. */
async function bindCp(ctx, repo, tag) {
  const name = ctx.tracker.container(ctx.tracker.name('bindcp', tag));
  const volume = ctx.tracker.volume(`${name}-ws`);
  const started = performance.now();
  await docker([
    'run',
    '-d',
    '--name',
    name,
    '--label',
    `labench.run=${ctx.tracker.prefix}`,
    '--mount',
    `type=bind,src=${repo.dir},dst=/src,readonly`,
    '--mount',
    `type=volume,src=${volume},dst=/workspace,volume-label=labench.run=${ctx.tracker.prefix}`,
    ctx.image,
    'sh',
    '-c',
    'cp -r /src/. /workspace/ && echo LABENCH_READY && exec sleep infinity',
  ]);
  const runMs = performance.now() - started;
  const ready = await waitForLine('docker', ['logs', '-f', name], /LABENCH_READY/);
  return {
    ms: ready - started,
    parts: { run: runMs, copy: ready - started - runMs },
    container: name,
    volume,
  };
}

/** (b) `docker run -d` an idle container, then `docker cp` the repo into its volume. */
async function dockerCp(ctx, repo, tag) {
  const name = ctx.tracker.container(ctx.tracker.name('dockercp', tag));
  const volume = ctx.tracker.volume(`${name}-ws`);
  const started = await runIdle(ctx, name, volume);
  const cp = await docker(['cp', `${repo.dir}/.`, `${name}:/workspace`]);
  return { ms: started.ms + cp.ms, parts: { run: started.ms, cp: cp.ms }, container: name, volume };
}

/** (c) `devcontainer up` on the repo with the same image: a bind mount, nothing copied. */
async function devcontainer(ctx, repo, tag) {
  const name = ctx.tracker.container(ctx.tracker.name('devc', tag));
  const configDir = path.join(ctx.scratch, name);
  await mkdir(configDir, { recursive: true });
  const config = path.join(configDir, 'devcontainer.json');
  await writeFile(
    config,
    JSON.stringify({
      image: ctx.image,
      // Skips the per-user derived image the CLI builds on Linux; its default would be slower.
      updateRemoteUserUID: false,
      runArgs: ['--name', name, '--label', `labench.run=${ctx.tracker.prefix}`],
    }),
  );
  const result = await run(ctx.devcontainerBin, [
    'up',
    '--workspace-folder',
    repo.dir,
    '--config',
    config,
    '--id-label',
    `labench.id=${name}`,
    '--log-level',
    'info',
  ]);
  const outcome = JSON.parse(result.stdout.trim().split('\n').pop());
  if (outcome.outcome !== 'success') throw new Error(`devcontainer up failed: ${result.stdout.slice(-500)}`);
  await rm(configDir, { recursive: true, force: true });
  return { ms: result.ms, parts: { up: result.ms }, container: name, volume: undefined };
}

/**
 * (d) The floor: an idle container with nothing copied, plus a plain host `cp -a` of the repo.
 * The copy goes into that container's volume on the host when the engine is local (same disk
 * region as every other method's files), else to a scratch folder on the host.
 */
async function floor(ctx, repo, tag) {
  const name = ctx.tracker.container(ctx.tracker.name('floor', tag));
  const volume = ctx.tracker.volume(`${name}-ws`);
  const started = await runIdle(ctx, name, volume);
  const mountpoint = (await docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', volume])).stdout.trim();
  const local = await access(mountpoint, constants.W_OK).then(
    () => true,
    () => false,
  );
  const target = local ? path.join(mountpoint, 'copy') : path.join(ctx.scratch, `${name}-copy`);
  const cp = await run('cp', ['-a', repo.dir, target]);
  return {
    ms: started.ms + cp.ms,
    parts: { run: started.ms, cp: cp.ms },
    container: name,
    volume,
    paths: local ? [] : [target],
    copiedInto: local ? 'volume' : 'scratch',
  };
}

function runIdle(ctx, name, volume) {
  return docker([
    'run',
    '-d',
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
}
