import type { EngineEndpoint } from '../docker/connect.js';
import type { EngineInfo } from '../docker/engine.js';

/**
 * The engines launch-agent tells apart, because each needs its own way of mapping users,
 * copying the workspace and configuring the network.
 */
export type EngineKind =
  | 'docker'
  | 'docker-rootless'
  | 'docker-desktop'
  | 'podman'
  | 'podman-rootless'
  /** Reached over tcp or ssh: it sees none of this machine's files. */
  | 'remote';

export function engineKind(info: EngineInfo, endpoint: EngineEndpoint): EngineKind {
  if (info.name === 'Podman') return info.rootless ? 'podman-rootless' : 'podman';
  if (/docker desktop/i.test(info.os)) return 'docker-desktop';
  if (endpoint.protocol === 'tcp' || endpoint.protocol === 'ssh') return 'remote';
  if (info.rootless) return 'docker-rootless';
  return 'docker';
}

export const ENGINE_LABELS: Record<EngineKind, string> = {
  docker: 'Docker Engine',
  'docker-rootless': 'rootless Docker',
  'docker-desktop': 'Docker Desktop',
  podman: 'Podman (rootful)',
  'podman-rootless': 'rootless Podman',
  remote: 'a remote engine',
};

/**
 * The agent container's user namespace. Rootless Podman maps the host user to root in the
 * container by default, so an agent running as the repo owner's uid would write files owned by
 * a subordinate uid on the host, which cannot read the user's 0600 logins and secrets file;
 * `keep-id` maps the host user to the same uid inside. Rootless Docker has no such mode (its
 * container root is the user): it takes the stream copy, and the way back is the gate the host
 * fetches from, which needs no shared uid.
 */
export function usernsFor(kind: EngineKind): string | undefined {
  return kind === 'podman-rootless' ? 'keep-id' : undefined;
}

/**
 * The uid the agent runs as, on the engine's side: the repo owner's on Linux engines that see
 * host uids as they are (rootful Docker and Podman, rootless Podman with keep-id, where the
 * owner must be the user running Podman); 1000 where the engine maps files itself (Docker
 * Desktop's file sharing makes them the user's) or cannot see them (remote).
 */
export function userMappingNote(kind: EngineKind, platform: NodeJS.Platform): string {
  switch (kind) {
    case 'docker':
    case 'podman':
      return platform === 'linux'
        ? "the agent runs as the repo owner's uid/gid"
        : 'the agent runs as uid 1000; the engine maps file ownership';
    case 'podman-rootless':
      return "the agent runs as the repo owner's uid with --userns=keep-id (the uid running Podman keeps its number inside), so it can read the logins and secrets file you give it; the repo must be owned by the user running Podman";
    case 'docker-rootless':
      return 'the agent runs as a non-root uid that rootless Docker maps to a subordinate uid on the host: it reads the copy, and files it would write on the host (e.g. with --auth rw) are not yours';
    case 'docker-desktop':
      return "the agent runs as uid 1000; Docker Desktop's file sharing makes files it writes into shared folders yours";
    case 'remote':
      return 'the agent runs as uid 1000 on the remote machine';
  }
}

/** Where the engine's own settings live: doctor's remedies name the file the user must edit. */
export function engineSettingsPlace(kind: EngineKind): string {
  switch (kind) {
    case 'docker':
      return '/etc/docker/daemon.json';
    case 'docker-rootless':
      return '~/.config/docker/daemon.json';
    case 'docker-desktop':
      return 'Docker Desktop: Settings > Docker Engine';
    case 'podman':
      return 'containers.conf (/etc/containers/containers.conf, or the file CONTAINERS_CONF names)';
    case 'podman-rootless':
      return 'containers.conf (~/.config/containers/containers.conf, or the file CONTAINERS_CONF names)';
    case 'remote':
      return "the remote engine's configuration";
  }
}

/**
 * What to change so containers stop sending packets larger than the host's link carries. Only
 * rootful engines put container packets on the link as they are: rootless ones (slirp4netns,
 * RootlessKit) re-send TCP from the host's own stack, so their MTU never needs this.
 */
export function mtuRemedy(kind: EngineKind, mtu: number): string {
  const place = engineSettingsPlace(kind);
  switch (kind) {
    case 'docker':
    case 'docker-rootless':
      return `set "mtu": ${mtu} in ${place} and restart the engine`;
    case 'docker-desktop':
      return `add "mtu": ${mtu} in ${place}, then Apply & restart`;
    case 'podman':
    case 'podman-rootless':
      return `create a network with that MTU (\`podman network create -o mtu=${mtu} mtu${mtu}\`) and make it Podman's default: [network] default_network = "mtu${mtu}" in ${place}`;
    case 'remote':
      return `lower the MTU in ${place}`;
  }
}

/** Where to switch to a copy-on-write storage driver, in the engine's own settings. */
export function storageRemedy(kind: EngineKind): string {
  switch (kind) {
    case 'podman':
      return 'set driver = "overlay" in storage.conf (/etc/containers/storage.conf, or the file CONTAINERS_STORAGE_CONF names), then `podman system reset`';
    case 'podman-rootless':
      return 'set driver = "overlay" in ~/.config/containers/storage.conf (kernel 5.13+; else mount_program = "/usr/bin/fuse-overlayfs"), then `podman system reset`';
    case 'docker-desktop':
      return `set "storage-driver": "overlay2" in ${engineSettingsPlace(kind)}`;
    default:
      return `set "storage-driver": "overlay2" in ${engineSettingsPlace(kind)} and restart the engine${kind === 'docker-rootless' ? ' (fuse-overlayfs on kernels before 5.11)' : ''}`;
  }
}
