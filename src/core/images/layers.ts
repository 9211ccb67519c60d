import { agents, getAgent } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';

/**
 * `project`: the per-project layer on top of an agent image (src/core/images/project-layer.ts);
 * `proxy`: the egress proxy of `--network allowlist`.
 */
export type LayerName = 'base' | 'agents' | AgentName | 'project' | 'proxy';

/** One image in the chain base -> agents -> <agent> (context `images/<name>/`), or a project's layer. */
export interface LayerSpec {
  name: LayerName;
  /** Image repository, e.g. `launch-agent/claude`. */
  repo: string;
  /** Build argument that receives the parent image (the base image for `base`). */
  parentArg: string;
  /** The layer built FROM; none for `base`, which is built on the base image. */
  parent?: LayerName;
  agent?: AgentName;
}

export const IMAGE_NAMESPACE = 'launch-agent';
export const DEFAULT_BASE_IMAGE = 'node:22-bookworm-slim';

/** `launch-agent/claude` -> `<namespace>/claude`: tests build a private chain under their own namespace. */
function inNamespace(repo: string, namespace: string): string {
  return namespace === IMAGE_NAMESPACE ? repo : repo.replace(/^[^/]+\//, `${namespace}/`);
}

export function agentLayer(name: AgentName, namespace = IMAGE_NAMESPACE): LayerSpec {
  const agent = getAgent(name);
  return {
    name: agent.name,
    repo: inNamespace(agent.image, namespace),
    parentArg: 'AGENTS',
    parent: 'agents',
    agent: agent.name,
  };
}

/** The egress proxy of `--network allowlist` (images/proxy): built on the base image, beside the chain. */
export function proxyLayer(namespace = IMAGE_NAMESPACE): LayerSpec {
  return { name: 'proxy', repo: inNamespace('launch-agent/proxy', namespace), parentArg: 'BASE_IMAGE' };
}

/**
 * The layers to ensure, parents first: base and agents always; one agent, or all of them and the
 * proxy. `proxyOnly`: the proxy alone (what a launch in allowlist mode asks for besides its agent).
 */
export function layerChain(selection: {
  agent?: AgentName | undefined;
  all?: boolean | undefined;
  namespace?: string | undefined;
  proxyOnly?: boolean | undefined;
}): LayerSpec[] {
  const namespace = selection.namespace ?? IMAGE_NAMESPACE;
  if (selection.proxyOnly) return [proxyLayer(namespace)];
  const every = selection.all || !selection.agent;
  const chosen = every ? agents.map((a) => a.name) : selection.agent ? [selection.agent] : [];
  return [
    { name: 'base', repo: `${namespace}/base`, parentArg: 'BASE_IMAGE' },
    { name: 'agents', repo: `${namespace}/agents`, parentArg: 'BASE', parent: 'base' },
    ...chosen.map((name) => agentLayer(name, namespace)),
    ...(every ? [proxyLayer(namespace)] : []),
  ];
}

/** Build arguments of the agents layer: each descriptor's versionArg -> requested npm version. */
export function versionArgs(requested: Partial<Record<AgentName, string>> = {}): Record<string, string> {
  return Object.fromEntries(agents.map((a) => [a.versionArg, requested[a.name] ?? 'latest']));
}
