import { describe, expect, it } from 'vitest';
import { strayEgress } from '../../../../src/core/network/objects.js';
import type { ContainerSummary, Engine, NetworkSummary } from '../../../../src/docker/engine.js';
import { Labels } from '../../../../src/docker/labels.js';

const now = Date.parse('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => now - m * 60_000;

function container(name: string, kind: string, session: string | undefined, made: number): ContainerSummary {
  return {
    id: `id-${name}`,
    name,
    image: 'x',
    state: 'running',
    status: '',
    created: made / 1000,
    labels: {
      [Labels.managed]: 'true',
      [Labels.kind]: kind,
      [Labels.repo]: 'repo',
      ...(session ? { [Labels.session]: session } : {}),
    },
  };
}

function network(session: string, made: number): NetworkSummary {
  return {
    id: `net-${session}`,
    name: `${session}-egress`,
    internal: true,
    created: new Date(made).toISOString(),
    labels: {
      [Labels.managed]: 'true',
      [Labels.kind]: 'network',
      [Labels.repo]: 'repo',
      [Labels.session]: session,
    },
  };
}

function engineWith(containers: ContainerSummary[], networks: NetworkSummary[]): Engine {
  const matches = (labels: Record<string, string>, wanted: Record<string, string>) =>
    Object.entries(wanted).every(([k, v]) => labels[k] === v);
  return {
    listContainers: async ({ labels }: { labels: Record<string, string> }) =>
      containers.filter((c) => matches(c.labels, labels)),
    listNetworks: async (labels: Record<string, string>) => networks.filter((n) => matches(n.labels, labels)),
  } as unknown as Engine;
}

describe('strayEgress', () => {
  it('names sessions whose proxy or network outlived their container, but not a launch in progress', async () => {
    const engine = engineWith(
      [
        container('alive', 'container', undefined, minutesAgo(30)),
        container('alive-egress', 'proxy', 'alive', minutesAgo(30)),
        container('gone-egress', 'proxy', 'gone', minutesAgo(30)),
        container('starting-egress', 'proxy', 'starting', minutesAgo(0.1)),
      ],
      [
        network('alive', minutesAgo(30)),
        network('gone', minutesAgo(30)),
        network('starting', minutesAgo(0.2)),
        network('no-proxy', minutesAgo(5)),
      ],
    );
    expect(await strayEgress(engine, { now })).toEqual(['gone', 'no-proxy']);
  });
});
