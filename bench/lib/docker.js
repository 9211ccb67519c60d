import { readFile } from 'node:fs/promises';
import { run } from './proc.js';

export function docker(args, options = {}) {
  return run('docker', args, options);
}

/**
 * Everything the bench creates is named `<prefix>-...` (prefix `labench-<run id>`); the tracker
 * remembers each name and removes exactly those, never anything else on the engine.
 */
export class Tracker {
  constructor(prefix) {
    this.prefix = prefix;
    this.containers = new Set();
    this.volumes = new Set();
  }

  name(...parts) {
    return [this.prefix, ...parts].join('-');
  }

  container(name) {
    this.containers.add(name);
    return name;
  }

  volume(name) {
    this.volumes.add(name);
    return name;
  }

  /** Removes the given containers (and volumes) now, or everything tracked. */
  async remove({ containers = [...this.containers], volumes = [...this.volumes] } = {}) {
    const ours = containers.filter((c) => c.startsWith(`${this.prefix}-`));
    if (ours.length > 0) await docker(['rm', '-f', ...ours], { allowFailure: true });
    for (const c of ours) this.containers.delete(c);
    const vols = volumes.filter((v) => v.startsWith(`${this.prefix}-`));
    if (vols.length > 0) await docker(['volume', 'rm', '-f', ...vols], { allowFailure: true });
    for (const v of vols) this.volumes.delete(v);
  }

  /**
   * The final sweep: containers and volumes whose name starts with this run's prefix and that
   * carry this run's label or launch-agent's managed label (a failed step may have left one the
   * tracker never heard of).
   */
  async sweep() {
    await this.remove();
    const listed = await docker(
      ['ps', '-a', '--filter', `name=${this.prefix}-`, '--format', '{{.Names}}\t{{.Labels}}'],
      { allowFailure: true },
    );
    const containers = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .filter(
        ([name, labels = '']) =>
          name?.startsWith(`${this.prefix}-`) &&
          (labels.includes('dev.launch-agent.managed=true') || labels.includes(`labench.run=${this.prefix}`)),
      )
      .map(([name]) => name);
    const volumes = (
      await docker(['volume', 'ls', '-q', '--filter', `name=${this.prefix}-`], { allowFailure: true })
    ).stdout
      .split('\n')
      .filter((v) => v.startsWith(`${this.prefix}-`));
    await this.remove({ containers, volumes });
  }
}

/**
 * Disk used by volumes and containers' writable layers, from one `docker system df -v`:
 * name -> bytes.
 */
export async function diskUsage() {
  const { stdout } = await docker(['system', 'df', '-v', '--format', '{{json .}}']);
  const df = JSON.parse(stdout);
  const volumes = new Map((df.Volumes ?? []).map((v) => [v.Name, parseSize(v.Size)]));
  const containers = new Map(
    (df.Containers ?? []).map((c) => [String(c.Names).replace(/^\//, ''), parseSize(c.Size)]),
  );
  return { volume: (name) => volumes.get(name) ?? null, container: (name) => containers.get(name) ?? null };
}

/** `12.3MB`, `4kB`, `0B` -> bytes (docker prints decimal units). */
export function parseSize(text) {
  if (!text) return null;
  const match = /^([\d.]+)\s*([kMGT]?B)/.exec(String(text));
  if (!match) return null;
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[match[2]];
  return Math.round(Number(match[1]) * unit);
}

/** Memory of a running container: docker stats (usage minus page cache) and raw cgroup numbers. */
export async function memoryOf(container) {
  const { stdout } = await docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', container]);
  const used = stdout.trim().split(' / ')[0];
  const id = (await docker(['inspect', '-f', '{{.Id}}', container])).stdout.trim();
  return {
    dockerStats: parseBinarySize(used),
    dockerStatsText: stdout.trim(),
    cgroup: await cgroupMemory(id),
  };
}

/** The cgroup's own counters when the engine is local (v1 cgroupfs / systemd, or v2). */
async function cgroupMemory(id) {
  const candidates = [
    [`/sys/fs/cgroup/memory/docker/${id}`, 'memory.usage_in_bytes'],
    [`/sys/fs/cgroup/memory/system.slice/docker-${id}.scope`, 'memory.usage_in_bytes'],
    [`/sys/fs/cgroup/system.slice/docker-${id}.scope`, 'memory.current'],
    [`/sys/fs/cgroup/docker/${id}`, 'memory.current'],
  ];
  for (const [dir, usageFile] of candidates) {
    const usage = await readFile(`${dir}/${usageFile}`, 'utf8').catch(() => undefined);
    if (usage === undefined) continue;
    const stat = Object.fromEntries(
      (await readFile(`${dir}/memory.stat`, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' '))
        .map(([k, v]) => [k, Number(v)]),
    );
    return {
      file: `${dir}/${usageFile}`,
      usage: Number(usage),
      rss: stat.total_rss ?? stat.rss ?? stat.anon ?? null,
      cache: stat.total_cache ?? stat.cache ?? stat.file ?? null,
    };
  }
  return null;
}

function parseBinarySize(text) {
  const match = /^([\d.]+)\s*([KMG]i?B|B)/.exec(text ?? '');
  if (!match) return null;
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2]];
  return Math.round(Number(match[1]) * (unit ?? 1));
}
