import type { Engine, EngineInfo } from '../../docker/engine.js';
import { messageOf } from '../../errors.js';
import { engineKind, mtuRemedy } from '../engine-profile.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/** Docker's bridge option, and Podman's (netavark and CNI networks say `mtu`). */
const MTU_OPTIONS = ['com.docker.network.driver.mtu', 'mtu'];

/**
 * Containers on the default bridge must not send packets larger than the host's link carries:
 * with a smaller link MTU (VPNs, cloud overlays) TLS handshakes from containers stall, so image
 * builds and agents hang on the network. Only judged for a local Linux engine, whose bridge is
 * on this host; Docker Desktop and remote engines have their own links.
 */
export async function checkMtu(deps: DoctorDeps, engine: Engine, info?: EngineInfo): Promise<DoctorCheck[]> {
  const kind = info ? engineKind(info, engine.endpoint) : 'docker';
  if (deps.host.platform === 'linux' && (kind === 'podman-rootless' || kind === 'docker-rootless')) {
    return [
      {
        name: 'network-mtu',
        status: 'ok',
        detail:
          'rootless: container TCP is re-sent by the host (slirp4netns / RootlessKit), so the MTU cannot stall it',
      },
    ];
  }
  if (
    deps.host.platform !== 'linux' ||
    engine.endpoint.protocol !== 'unix' ||
    !engine.inspectNetwork ||
    !deps.hostMtu
  ) {
    return [];
  }
  const name = 'network-mtu';
  let bridge: Awaited<ReturnType<NonNullable<Engine['inspectNetwork']>>>;
  let link: Awaited<ReturnType<NonNullable<DoctorDeps['hostMtu']>>>;
  try {
    [bridge, link] = await Promise.all([engine.inspectNetwork('bridge'), deps.hostMtu()]);
  } catch (error) {
    return [
      {
        name,
        status: 'warn',
        detail: `could not compare MTUs: ${messageOf(error)}`,
        remedy: 'check `docker network inspect bridge`',
      },
    ];
  }
  if (!bridge || !link) return [];
  const option = MTU_OPTIONS.map((key) => bridge.options[key]).find((value) => value !== undefined);
  const bridgeMtu = Number(option ?? 1500);
  const facts = { bridgeMtu, hostInterface: link.iface, hostMtu: link.mtu };
  if (bridgeMtu > link.mtu) {
    return [
      {
        name,
        status: 'warn',
        detail: `the engine's bridge MTU ${bridgeMtu} exceeds ${link.iface}'s ${link.mtu}: TLS from containers (npm, agents' APIs) can stall`,
        remedy: mtuRemedy(kind, link.mtu),
        facts,
      },
    ];
  }
  return [{ name, status: 'ok', detail: `bridge ${bridgeMtu} <= ${link.iface} ${link.mtu}`, facts }];
}
