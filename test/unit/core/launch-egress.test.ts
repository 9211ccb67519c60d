import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prepareEgress } from '../../../src/core/launch/egress.js';
import type { LaunchPlan } from '../../../src/core/plan.js';
import type { ContainerSpec, Engine, NetworkSpec } from '../../../src/docker/engine.js';
import { Labels } from '../../../src/docker/labels.js';

/** Records what the egress step asks of the engine; `failStart` makes the proxy's start fail. */
function fakeEngine(options: { failStart?: boolean; rejectOption?: boolean } = {}) {
  const calls: string[] = [];
  const networks: NetworkSpec[] = [];
  const containers: ContainerSpec[] = [];
  const engine = {
    listContainers: async () => [],
    listNetworks: async () => [],
    createNetwork: async (spec: NetworkSpec) => {
      calls.push(`create network ${spec.name}`);
      if (options.rejectOption && spec.options) throw new Error('unsupported option');
      networks.push(spec);
      return 'net-id';
    },
    createContainer: async (spec: ContainerSpec) => {
      calls.push(`create ${spec.name}`);
      containers.push(spec);
      return 'proxy-id';
    },
    connectNetwork: async (network: string, id: string) => {
      calls.push(`connect ${id} ${network}`);
    },
    putArchive: async (id: string, _dir: string, tar: Readable) => {
      tar.resume();
      calls.push(`archive ${id}`);
    },
    startContainer: async (id: string) => {
      calls.push(`start ${id}`);
      if (options.failStart) throw new Error('start failed');
    },
    removeContainer: async (id: string) => {
      calls.push(`remove ${id}`);
    },
    removeNetwork: async (name: string) => {
      calls.push(`remove network ${name}`);
    },
  };
  return { engine: engine as unknown as Engine, calls, networks, containers };
}

const plan = {
  name: 'claude-repo-x',
  network: 'allowlist',
  containerNetwork: 'claude-repo-x-egress',
  labels: { [Labels.repo]: 'repo' },
} as unknown as LaunchPlan;
const input = (engine: Engine) => ({
  engine,
  plan,
  allowList: [{ host: 'registry.npmjs.org', from: 'built-in: npm' }],
  proxyImage: async () => 'launch-agent/proxy:abc',
  progress: () => undefined,
});

describe('prepareEgress', () => {
  it('does nothing for bridge and none', async () => {
    const { engine, calls } = fakeEngine();
    for (const network of ['bridge', 'none']) {
      await using egress = await prepareEgress({
        ...input(engine),
        plan: { ...plan, network, containerNetwork: network } as LaunchPlan,
      });
      await egress.ready;
    }
    expect(calls).toEqual([]);
  });

  it('makes an internal network and a limited, non-root proxy on it and on the bridge', async () => {
    const { engine, calls, networks, containers } = fakeEngine();
    {
      await using egress = await prepareEgress(input(engine));
      await egress.ready;
      egress.keep();
    }
    expect(networks[0]).toMatchObject({ name: 'claude-repo-x-egress', internal: true });
    expect(networks[0]?.labels).toMatchObject({
      [Labels.kind]: 'network',
      [Labels.session]: 'claude-repo-x',
    });
    expect(containers[0]).toMatchObject({
      name: 'claude-repo-x-egress',
      user: '65534:65534',
      network: 'claude-repo-x-egress',
      networkAliases: ['egress-proxy'],
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges:true'],
      memoryBytes: 64 * 1024 * 1024,
    });
    expect(containers[0]?.labels).toMatchObject({
      [Labels.kind]: 'proxy',
      [Labels.session]: 'claude-repo-x',
    });
    expect(calls).toEqual([
      'create network claude-repo-x-egress',
      'create claude-repo-x-egress',
      'connect proxy-id bridge',
      'archive proxy-id',
      'start proxy-id',
    ]);
  });

  it('removes the proxy and then the network when the launch does not keep them', async () => {
    const { engine, calls } = fakeEngine({ failStart: true });
    await expect(
      (async () => {
        await using egress = await prepareEgress(input(engine));
        await egress.ready;
      })(),
    ).rejects.toThrow('start failed');
    expect(calls.slice(-2)).toEqual(['remove proxy-id', 'remove network claude-repo-x-egress']);
  });

  it('makes the network without the host-address option on an engine that rejects it', async () => {
    const { engine, networks } = fakeEngine({ rejectOption: true });
    await using egress = await prepareEgress(input(engine));
    await egress.ready;
    egress.keep();
    expect(networks).toEqual([expect.objectContaining({ internal: true })]);
    expect(networks[0]?.options).toBeUndefined();
  });
});
