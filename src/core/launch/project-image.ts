import type { AgentName } from '../../agents/types.js';
import type { LaunchDeps } from './context.js';

/** The per-project layer on top of the agent image, when the repo or config asks for one. */
export async function projectImageFor(
  agent: AgentName,
  agentImage: string,
  repoRoot: string,
  deps: LaunchDeps,
): Promise<string | undefined> {
  const { ensureProjectImage } = await import('../images/project-layer.js');
  const project = await ensureProjectImage(deps.engine, {
    agent,
    agentImage,
    repoRoot,
    host: deps.host,
    onProgress: deps.onProgress,
  });
  if (project) deps.debug?.(`project image ${project.ref} (${project.sources.join(', ')})`);
  return project?.ref;
}
