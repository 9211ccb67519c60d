import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agents, getAgent } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';
import { cacheDir, type HostFacts, hostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import { messageOf } from '../../errors.js';
import { type EnsureImagesOptions, type EnsureImagesResult, ensureImages, imageStatus } from '../images.js';
import { registryResolver, type VersionResolver } from './versions.js';

export interface AgentVersionCheck {
  agent: AgentName;
  /** What the current agents image holds; undefined when it is not built (or stale). */
  installed?: string;
  newest: string;
  /** The agents layer is (re)built with `newest`. */
  updated: boolean;
}

export interface UpdateImagesResult {
  checked: AgentVersionCheck[];
  /** The chain after the rebuild; absent when nothing was new. */
  build?: EnsureImagesResult;
  built: number;
}

/**
 * `images update [AGENT...]`: asks npm for each CLI's newest version and, when one differs from
 * what the agents image holds, rebuilds that layer at its tag with the new versions (the others
 * keep theirs), then the per-agent images on it. Nothing new: a few npm lookups, no build.
 */
export async function updateImages(
  engine: Engine,
  options: EnsureImagesOptions & { agents?: AgentName[] | undefined } = {},
): Promise<UpdateImagesResult> {
  const host = options.host ?? hostFacts();
  const chosen = options.agents?.length ? options.agents : agents.map((a) => a.name);
  const resolve = options.resolveVersions ?? registryResolver(host.env, 60_000);
  const status = await imageStatus(engine, { ...options, all: true });
  const layer = status.images.find((image) => image.name === 'agents');
  const current = layer?.state === 'current';
  const installed = current ? layer.agentVersions : {};
  options.onProgress?.({
    step: 'image-update',
    message: 'asking npm for the newest agent CLIs',
    state: 'start',
  });
  const newest = await newestOf(chosen, options.versions ?? {}, resolve);
  await saveNewest(host, newest);
  const checked = chosen.map((agent) => ({
    agent,
    ...(installed[agent] ? { installed: installed[agent] } : {}),
    newest: newest[agent] ?? '',
    updated: installed[agent] !== newest[agent],
  }));
  const changed = checked.filter((c) => c.updated);
  options.onProgress?.({
    step: 'image-update',
    message:
      changed.length === 0
        ? 'every agent CLI is the newest'
        : `new: ${changed.map((c) => `${c.agent} ${c.newest}`).join(', ')}`,
    state: 'done',
  });
  if (current && changed.length === 0) return { checked, built: 0 };
  const build = await ensureImages(engine, {
    ...options,
    host,
    all: true,
    agent: undefined,
    rebuild: current ? ['agents'] : [],
    pinVersions: { ...installed, ...Object.fromEntries(changed.map((c) => [c.agent, c.newest])) },
  });
  return { checked, build, built: build.built };
}

async function newestOf(
  chosen: AgentName[],
  specs: Partial<Record<AgentName, string>>,
  resolve: VersionResolver,
): Promise<Partial<Record<AgentName, string>>> {
  const pairs = await Promise.all(
    chosen.map(
      async (name) => [name, await resolve(getAgent(name).npmPackage, specs[name] ?? 'latest')] as const,
    ),
  );
  return Object.fromEntries(pairs);
}

/** The newest versions last seen on npm, for `images list` and doctor without a lookup each time. */
interface NewestCache {
  checkedAt: string;
  versions: Partial<Record<AgentName, string>>;
}

function newestFile(host: HostFacts): string {
  return path.join(cacheDir(host), 'agent-cli-newest.json');
}

async function saveNewest(host: HostFacts, versions: Partial<Record<AgentName, string>>): Promise<void> {
  const file = newestFile(host);
  const old = await readNewest(host);
  const merged: NewestCache = {
    checkedAt: new Date().toISOString(),
    versions: { ...old?.versions, ...versions },
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}

async function readNewest(host: HostFacts): Promise<NewestCache | undefined> {
  try {
    return JSON.parse(await readFile(newestFile(host), 'utf8')) as NewestCache;
  } catch {
    return undefined;
  }
}

export interface NewestVersions {
  versions: Partial<Record<AgentName, string>>;
  checkedAt?: string;
  /** Why the lookup failed (offline, npm missing); the versions are then the last ones seen, if any. */
  error?: string;
}

/**
 * Each CLI's newest version on npm, asked at most once a day (the answer is kept in the cache
 * folder; `images update` refreshes it). A failed lookup is reported, never thrown.
 */
export async function newestVersions(
  options: { host?: HostFacts; resolveVersions?: VersionResolver; maxAgeMs?: number } = {},
): Promise<NewestVersions> {
  const host = options.host ?? hostFacts();
  const cached = await readNewest(host);
  const age = cached ? Date.now() - Date.parse(cached.checkedAt) : Number.POSITIVE_INFINITY;
  if (cached && age >= 0 && age < (options.maxAgeMs ?? 24 * 3600_000)) return cached;
  try {
    const versions = await newestOf(
      agents.map((a) => a.name),
      {},
      options.resolveVersions ?? registryResolver(host.env),
    );
    await saveNewest(host, versions);
    return { versions, checkedAt: new Date().toISOString() };
  } catch (error) {
    return {
      versions: cached?.versions ?? {},
      ...(cached ? { checkedAt: cached.checkedAt } : {}),
      error: messageOf(error),
    };
  }
}
