import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { EngineInfo } from '../../docker/engine.js';
import { formatBytes } from '../../util/format.js';
import type { DoctorCheck } from './types.js';

/** Under this much free space on the engine's data root, doctor warns (a launch of a large repo needs room). */
export const LOW_DISK_BYTES = 5 * 1024 ** 3;

export type StatFs = (path: string) => Promise<{ bavail: number; bsize: number; blocks: number }>;

/**
 * Free space where the engine keeps workspaces and images. Read on this machine (statfs) when
 * the engine runs here; an engine elsewhere is not asked (it would take a container to look).
 */
export async function checkDataRootSpace(
  info: EngineInfo,
  options: { statfs?: StatFs; host?: string } = {},
): Promise<DoctorCheck> {
  const root = info.dataRoot;
  const local = info.hostname === (options.host ?? hostname());
  const facts = { dataRoot: root ?? null, backingFilesystem: info.backingFilesystem ?? null };
  if (!root || !local) {
    return {
      name: 'disk',
      status: 'ok',
      detail: `free space not checked: the engine's data root is ${root ? `on ${info.hostname}` : 'not reported'}`,
      facts,
    };
  }
  const stats = await (options.statfs ?? statfs)(root).catch(() => undefined);
  if (!stats) return { name: 'disk', status: 'ok', detail: `free space of ${root} not readable here`, facts };
  const free = stats.bavail * stats.bsize;
  const total = stats.blocks * stats.bsize;
  const detail = `${formatBytes(free)} free of ${formatBytes(total)} on ${root} (${info.backingFilesystem ?? 'file system unknown'})`;
  const withFacts = { ...facts, freeBytes: free, totalBytes: total };
  if (free < LOW_DISK_BYTES) {
    return {
      name: 'disk',
      status: 'warn',
      detail: `only ${detail}`,
      remedy: `free space for workspaces and images: \`launch-agent prune --yes\`, \`launch-agent images prune\`, \`docker system df\``,
      facts: withFacts,
    };
  }
  return { name: 'disk', status: 'ok', detail, facts: withFacts };
}
