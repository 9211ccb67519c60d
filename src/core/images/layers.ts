import { agents, getAgent } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';

export type LayerName = 'base' | 'agents' | AgentName;

/** One image in the chain base -> agents -> <agent>; its context is `images/<name>/`. */
export interface LayerSpec {
  name: LayerName;
  /** Image repository, e.g. `launch-agent/claude`. */
  repo: string;
  /** Build argument that receives the parent image (the base image for `base`). */
  parentArg: string;
  agent?: AgentName;
}

export const IMAGE_NAMESPACE = 'launch-agent';
export const DEFAULT_BASE_IMAGE = 'node:22-bookworm-slim';

export const baseLayer: LayerSpec = {
  name: 'base',
  repo: `${IMAGE_NAMESPACE}/base`,
  parentArg: 'BASE_IMAGE',
};
export const agentsLayer: LayerSpec = {
  name: 'agents',
  repo: `${IMAGE_NAMESPACE}/agents`,
  parentArg: 'BASE',
};

export function agentLayer(name: AgentName): LayerSpec {
  const agent = getAgent(name);
  return { name: agent.name, repo: agent.image, parentArg: 'AGENTS', agent: agent.name };
}

/** The layers to ensure, parents first: base and agents always; one agent, or all of them. */
export function layerChain(selection: {
  agent?: AgentName | undefined;
  all?: boolean | undefined;
}): LayerSpec[] {
  const chosen = selection.all || !selection.agent ? agents.map((a) => a.name) : [selection.agent];
  return [baseLayer, agentsLayer, ...chosen.map(agentLayer)];
}

/** Build arguments of the agents layer: each descriptor's versionArg -> requested npm version. */
export function versionArgs(requested: Partial<Record<AgentName, string>> = {}): Record<string, string> {
  return Object.fromEntries(agents.map((a) => [a.versionArg, requested[a.name] ?? 'latest']));
}
