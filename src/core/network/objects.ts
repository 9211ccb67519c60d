import type { Engine } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';

/** A session's egress objects, found by label: ours, for that session (its container's name). */
function mine(session: string, kind: 'proxy' | 'network'): Record<string, string> {
  return { [Labels.managed]: 'true', [Labels.kind]: kind, [Labels.session]: session };
}

export async function findProxy(engine: Engine, session: string): Promise<string | undefined> {
  const [proxy] = await engine.listContainers({ all: true, labels: mine(session, 'proxy') });
  return proxy?.id;
}

/**
 * Removes a session's proxy and network. `rm`, `prune` and `--replace` call it once the agent
 * container is gone (the network cannot go while a container is on it); gone already is fine.
 */
export async function removeEgress(engine: Engine, session: string): Promise<void> {
  const proxies = await engine.listContainers({ all: true, labels: mine(session, 'proxy') });
  await Promise.all(proxies.map((p) => engine.removeContainer(p.id, { force: true })));
  const networks = await engine.listNetworks(mine(session, 'network'));
  await Promise.all(networks.map((n) => engine.removeNetwork(n.id)));
}

/** A launch creates its network, then its proxy and its agent container within seconds. */
const STRAY_AFTER_MS = 60_000;

/**
 * Sessions whose proxy or network is left without an agent container (a launcher killed
 * outright), made over a minute ago so that a launch in progress is never among them.
 * `prune` removes them; `repo` keeps one repo's.
 */
export async function strayEgress(
  engine: Engine,
  options: { repo?: string; now?: number } = {},
): Promise<string[]> {
  const ours = { [Labels.managed]: 'true', ...(options.repo ? { [Labels.repo]: options.repo } : {}) };
  const [sessions, proxies, networks] = await Promise.all([
    engine.listContainers({ all: true, labels: { [Labels.managed]: 'true', [Labels.kind]: 'container' } }),
    engine.listContainers({ all: true, labels: { ...ours, [Labels.kind]: 'proxy' } }),
    engine.listNetworks({ ...ours, [Labels.kind]: 'network' }),
  ]);
  const live = new Set(sessions.map((s) => s.name));
  const before = (options.now ?? Date.now()) - STRAY_AFTER_MS;
  const made = [
    ...proxies.map((p) => ({ session: p.labels[Labels.session] ?? '', time: p.created * 1000 })),
    ...networks.map((n) => ({ session: n.labels[Labels.session] ?? '', time: Date.parse(n.created) })),
  ];
  const young = new Set(made.filter((m) => !(m.time < before)).map((m) => m.session));
  const stray = made.map((m) => m.session).filter((s) => s && !live.has(s) && !young.has(s));
  return [...new Set(stray)].sort();
}

/** `start` runs the proxy before the agent container; `stop` stops it after. */
export async function startEgress(engine: Engine, session: string): Promise<void> {
  const proxy = await findProxy(engine, session);
  if (proxy) await engine.startContainer(proxy);
}

export async function stopEgress(engine: Engine, session: string): Promise<void> {
  const proxy = await findProxy(engine, session);
  if (proxy) await engine.stopContainer(proxy, 2);
}
