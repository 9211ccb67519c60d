import { stat } from 'node:fs/promises';
import path from 'node:path';
import { agents } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';
import type { HostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import { loadMcpConfig } from '../../mcp/load.js';
import { contentHash } from './context.js';
import { IMAGE_NAMESPACE } from './layers.js';
import { type ProjectSource, projectContext } from './project-context.js';

export interface ProjectLayerState {
  agent: AgentName;
  sources: ProjectSource[];
  /** `launch-agent/project:<hash>` the next launch of this agent runs; undefined without an agent image. */
  expected?: string;
  present: boolean;
}

/** The git work tree holding `dir` (a `.git` folder or file), without running git. */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (await stat(path.join(current, '.git')).catch(() => undefined)) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * For doctor: per agent, whether this repo gets a project layer and whether it is built for the
 * agent image `:latest` points at. Empty when nothing asks for a layer.
 */
export async function projectLayerStates(
  engine: Engine,
  input: {
    repoRoot: string;
    host: HostFacts;
    namespace?: string;
    /** Each agent image the current inputs call for (imageStatus); default `<agent>:latest`. */
    agentImages?: ReadonlyMap<AgentName, string | undefined>;
  },
): Promise<ProjectLayerState[]> {
  const namespace = input.namespace ?? IMAGE_NAMESPACE;
  const config = await loadMcpConfig({ host: input.host, repoDir: input.repoRoot });
  const states: ProjectLayerState[] = [];
  for (const agent of agents) {
    const context = await projectContext(input.repoRoot, {
      agent: agent.name,
      table: config.image,
      servers: config.servers,
    });
    if (!context) continue;
    const ref = input.agentImages ? input.agentImages.get(agent.name) : `${namespace}/${agent.name}:latest`;
    const parent = ref ? await engine.inspectImage(ref) : undefined;
    const expected = parent ? `${namespace}/project:${contentHash(context.files, {}, parent.id)}` : undefined;
    const present = expected ? (await engine.inspectImage(expected)) !== undefined : false;
    states.push({ agent: agent.name, sources: context.sources, ...(expected ? { expected } : {}), present });
  }
  return states;
}
