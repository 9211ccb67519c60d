import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { AgentName } from '../../agents/types.js';
import { hostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import type { DoctorDeps, FileProbe, ImageState, RunResult } from './types.js';

/** The real host behind DoctorDeps: file system, PATH programs through execa. */
export function hostDoctorDeps(
  engine: () => Promise<Engine>,
  options: { secretsFile?: string } = {},
): DoctorDeps {
  const host = hostFacts();
  return {
    engine,
    host,
    stat: probe,
    readFile: (file) => readFile(file, 'utf8'),
    run,
    images: imageStates,
    hostMtu,
    userConfig: async () => {
      const { loadMcpConfig } = await import('../../mcp/index.js');
      const { readUserConfig } = await import('../../config/user-config.js');
      // The settings a launch reads first ([defaults], default_agent, …): a launch would stop there.
      await readUserConfig(host);
      const config = await loadMcpConfig({ host });
      return { files: config.files, servers: config.servers.map((s) => s.name), warnings: config.warnings };
    },
    ...(options.secretsFile === undefined ? {} : { secretsFile: options.secretsFile }),
  };
}

async function probe(file: string): Promise<FileProbe | undefined> {
  try {
    const s = await stat(file);
    return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', mode: s.mode & 0o7777 };
  } catch {
    return undefined;
  }
}

async function run(file: string, args: string[]): Promise<RunResult | undefined> {
  const result = await execa(file, args, { reject: false, timeout: 10_000, stdin: 'ignore' });
  if ((result as { code?: string }).code === 'ENOENT') return undefined;
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * Every agent's chain, judged against the current inputs (base image, CA bundle, contexts), then
 * the per-project layer of the repo doctor runs in, if it asks for one.
 */
async function imageStates(engine: Engine): Promise<ImageState[]> {
  const { imageStatus } = await import('../images.js');
  const { newestVersions } = await import('../images/update.js');
  const [status, newest] = await Promise.all([imageStatus(engine, { all: true }), newestVersions()]);
  const chain = status.images.map((image): ImageState => {
    const parentMissing = image.expectedTag === undefined && image.state !== 'current';
    const detail =
      image.name === 'base'
        ? parentMissing
          ? `its base image ${status.baseImage} is not here; building pulls it`
          : `on ${status.baseImage}`
        : parentMissing
          ? 'its parent image is missing or stale'
          : image.name === 'agents'
            ? cliVersions(image.agentVersions, newest.versions)
            : image.name === 'proxy'
              ? 'the egress proxy of --network allowlist'
              : undefined;
    return {
      image: image.repo,
      present: image.state !== 'missing',
      upToDate: image.state === 'current',
      ...(detail ? { detail } : {}),
    };
  });
  // The agent images the current inputs call for, built: what a launch would build a layer on.
  const agentImages = new Map<AgentName, string | undefined>(
    status.images.map((i) => [
      i.name as AgentName,
      i.state === 'current' ? `${i.repo}:${i.expectedTag}` : undefined,
    ]),
  );
  return [...chain, ...(await projectStates(engine, agentImages))];
}

/** `claude 2.1.0 (newest 2.1.3: launch-agent images update), codex 0.9.1` */
export function cliVersions(
  installed: Record<string, string>,
  newest: Record<string, string | undefined>,
): string | undefined {
  const parts = Object.entries(installed).map(([name, version]) => {
    const latest = newest[name];
    return latest && latest !== version
      ? `${name} ${version} (newest ${latest}: launch-agent images update)`
      : `${name} ${version}`;
  });
  return parts.length > 0 ? parts.join(', ') : undefined;
}

async function projectStates(
  engine: Engine,
  agentImages: ReadonlyMap<AgentName, string | undefined>,
): Promise<ImageState[]> {
  const { findRepoRoot, projectLayerStates } = await import('../images/project-status.js');
  const repoRoot = await findRepoRoot(process.cwd());
  if (!repoRoot) return [];
  const states = await projectLayerStates(engine, { repoRoot, host: hostFacts(), agentImages });
  return states.map((state) => ({
    image: `launch-agent/project for ${state.agent}`,
    present: state.present,
    upToDate: state.present,
    detail: `${path.basename(repoRoot)}: ${state.sources.join(' + ')}${state.expected ? '' : `, on launch-agent/${state.agent}, which is not built (or out of date)`}`,
  }));
}

/** The default route's interface from /proc (no iproute2 needed) and its MTU. */
async function hostMtu(): Promise<{ iface: string; mtu: number } | undefined> {
  try {
    const routes = (await readFile('/proc/net/route', 'utf8')).split('\n').slice(1);
    const iface = routes.map((line) => line.trim().split(/\s+/)).find((cols) => cols[1] === '00000000')?.[0];
    if (!iface) return undefined;
    const mtu = Number((await readFile(`/sys/class/net/${iface}/mtu`, 'utf8')).trim());
    return Number.isFinite(mtu) && mtu > 0 ? { iface, mtu } : undefined;
  } catch {
    return undefined;
  }
}
