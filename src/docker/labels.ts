/** Every object we create carries these; `list`/`rm`/`prune` find ours by label, never by name. */
export const LABEL_PREFIX = 'dev.launch-agent';

export const Labels = {
  managed: `${LABEL_PREFIX}.managed`,
  kind: `${LABEL_PREFIX}.kind`,
  agent: `${LABEL_PREFIX}.agent`,
  repo: `${LABEL_PREFIX}.repo`,
  source: `${LABEL_PREFIX}.source`,
  hostGitDir: `${LABEL_PREFIX}.host-git-dir`,
  branch: `${LABEL_PREFIX}.branch`,
  volume: `${LABEL_PREFIX}.volume`,
  version: `${LABEL_PREFIX}.version`,
  created: `${LABEL_PREFIX}.created`,
  image: `${LABEL_PREFIX}.image`,
  /** `--network` of an agent container: bridge, none or allowlist. */
  network: `${LABEL_PREFIX}.network`,
  /** On an allowlist session's proxy and network: the agent container they serve. */
  session: `${LABEL_PREFIX}.session`,
  /** The keeper protocol the container's main process speaks (`list` asks it over attach). */
  keeper: `${LABEL_PREFIX}.keeper`,
  /** The user namespace the session runs in (`keep-id` on rootless Podman); its helpers repeat it. */
  userns: `${LABEL_PREFIX}.userns`,
  /** The way back: the host fetches from the session's gate (value GATE_PROTOCOL). */
  gate: `${LABEL_PREFIX}.gate`,
  /** Host paths of the logins and secrets file delivered over exec after each start (launch/deliver.ts). */
  deliver: `${LABEL_PREFIX}.deliver`,
  /**
   * The launch that made it, `<host name> <pid>` of the launcher: while that process lives the
   * launch is under way; after, a session without its ready mark is a leftover (core/sessions/leftovers.ts).
   */
  launch: `${LABEL_PREFIX}.launch`,
  contentHash: `${LABEL_PREFIX}.content-hash`,
  agentVersions: `${LABEL_PREFIX}.agent-versions`,
  /** Image labels: the layer's parent image id and the base image it was built on. */
  parent: `${LABEL_PREFIX}.parent`,
  baseImage: `${LABEL_PREFIX}.base-image`,
} as const;

/** `copy` and `check`: short-lived helper containers (a launch's workspace copy, a stopped workspace's check). */
export type ObjectKind = 'container' | 'volume' | 'image' | HelperKind | EgressKind;
/** An allowlist session's egress proxy container and its internal network. */
export type EgressKind = 'proxy' | 'network';
export type HelperKind = 'copy' | 'check';
export const HELPER_KINDS: ReadonlySet<string> = new Set<HelperKind>(['copy', 'check']);

export const GATE_PROTOCOL = '1';

export function managedLabels(kind: ObjectKind, extra: Record<string, string> = {}): Record<string, string> {
  return { [Labels.managed]: 'true', [Labels.kind]: kind, ...extra };
}

/** Engine API label filter, e.g. `["dev.launch-agent.managed=true", "dev.launch-agent.kind=container"]`. */
export function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}

/** Per-agent CLI version label on images, e.g. `dev.launch-agent.agent-version.claude=2.1.0`. */
export function agentVersionLabel(agent: string): string {
  return `${LABEL_PREFIX}.agent-version.${agent}`;
}
