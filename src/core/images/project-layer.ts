import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AgentName } from '../../agents/types.js';
import { cacheDir, type HostFacts } from '../../config/paths.js';
import type { Engine, ImageDetails } from '../../docker/engine.js';
import { LABEL_PREFIX, Labels, managedLabels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import { type LoadedMcpConfig, loadMcpConfig } from '../../mcp/load.js';
import type { ProgressFn } from '../progress.js';
import { buildLayer } from './build.js';
import { contentHash } from './context.js';
import { IMAGE_NAMESPACE, type LayerSpec } from './layers.js';
import { acquireBuildLock } from './lock.js';
import { type ProjectSource, projectContext } from './project-context.js';

/** Image label: what asked for a project layer (`dockerfile,config,playwright`). */
export const PROJECT_SOURCES_LABEL = `${LABEL_PREFIX}.project-sources`;

export interface ProjectImageRequest {
  agent: AgentName;
  /** The agent image the layer is built on (`launch-agent/<agent>:<hash>`). */
  agentImage: string;
  repoRoot: string;
  host: HostFacts;
  /** The merged config, when the caller has it; read from the user's and the repo's files otherwise. */
  config?: LoadedMcpConfig | undefined;
  namespace?: string | undefined;
  noCache?: boolean | undefined;
  onProgress?: ProgressFn | undefined;
  onOutput?: ((text: string) => void) | undefined;
  /** Replaces the per-user build lock file (tests); returns its release. */
  buildLock?: (() => Promise<() => Promise<void>>) | undefined;
}

export interface ProjectImage {
  /** `launch-agent/project:<hash>`: the image the container runs. */
  ref: string;
  id: string;
  hash: string;
  built: boolean;
  sources: ProjectSource[];
  /** `launch-agent/project:<agent>-<repo>-<path hash>`: this project's current image, for list/prune. */
  pointer: string;
}

/**
 * The image a launch runs: the agent image itself when the repo has no `.launch-agent/Dockerfile`,
 * its config no `[image]` and the agent no Playwright server; else the per-project layer on top of
 * it, built once per content hash (the agent image's id is part of it, so an agent update rebuilds).
 */
export async function ensureProjectImage(
  engine: Engine,
  request: ProjectImageRequest,
): Promise<ProjectImage | undefined> {
  const config = request.config ?? (await loadMcpConfig({ host: request.host, repoDir: request.repoRoot }));
  const context = await projectContext(request.repoRoot, {
    agent: request.agent,
    table: config.image,
    servers: config.servers,
  });
  if (!context) return undefined;
  const parent = await engine.inspectImage(request.agentImage);
  if (!parent) {
    throw new LaunchError('IMAGE_MISSING', `image ${request.agentImage} not found on the engine`, {
      hint: 'build it with `launch-agent images build`',
    });
  }
  const namespace = request.namespace ?? IMAGE_NAMESPACE;
  const layer: LayerSpec = {
    name: 'project',
    repo: `${namespace}/project`,
    parentArg: 'AGENT_IMAGE',
    agent: request.agent,
  };
  const hash = contentHash(context.files, {}, parent.id);
  const ref = `${layer.repo}:${hash}`;
  let image = request.noCache ? undefined : await engine.inspectImage(ref);
  const built = !image;
  if (!image) {
    const release = request.buildLock
      ? await request.buildLock()
      : await acquireBuildLock(path.join(cacheDir(request.host), 'image-build.lock'), {
          onWait: () =>
            request.onProgress?.({
              step: 'image-lock',
              message: 'waiting for another image build to finish',
              state: 'start',
            }),
        });
    try {
      // The process that held the lock may have just built this very layer.
      image = request.noCache ? undefined : await engine.inspectImage(ref);
      image ??= await buildLayer(
        engine,
        { layer, files: context.files, args: {} },
        {
          parent: { id: parent.id, ref: request.agentImage },
          hash,
          ref,
          labels: {
            [PROJECT_SOURCES_LABEL]: context.sources.join(','),
            [Labels.repo]: path.basename(request.repoRoot),
          },
        },
        parent.labels[Labels.baseImage] ?? '',
        { noCache: request.noCache, onProgress: request.onProgress, onOutput: request.onOutput },
      );
    } finally {
      await release();
    }
  }
  const tag = pointerTag(request.agent, request.repoRoot);
  if (!image.tags.includes(`${layer.repo}:${tag}`)) await engine.tagImage(image.id, layer.repo, tag);
  return { ref, id: image.id, hash, built, sources: context.sources, pointer: `${layer.repo}:${tag}` };
}

/** `claude-my-repo-1a2b3c4d`: one tag per (agent, repo folder), moved to the project's newest image. */
export function pointerTag(agent: AgentName, repoRoot: string): string {
  const slug = path
    .basename(repoRoot)
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 80);
  const where = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 8);
  return `${agent}-${slug || 'repo'}-${where}`;
}

export interface ProjectImageRow {
  repo: string;
  /** The content-hash tag. */
  tag?: string;
  /** The projects whose current image this is (`<agent>-<repo>-<path hash>` tags). */
  projects: string[];
  id: string;
  agent?: string;
  sources: string[];
  created: string;
  size: number;
  /**
   * current: some project's newest image, on the agent image that is current now; stale: a
   * project's newest, but its agent image has moved on (the next launch rebuilds); superseded:
   * no project points at it any more.
   */
  state: 'current' | 'stale' | 'superseded';
}

/**
 * Every per-project image of the namespace, judged against the agent images that are current:
 * `current` (ids of the agent images the current inputs call for, from imageStatus) and what
 * each `<agent>:latest` points at.
 */
export async function projectImages(
  engine: Engine,
  namespace = IMAGE_NAMESPACE,
  current: ReadonlySet<string> = new Set(),
): Promise<ProjectImageRow[]> {
  const repo = `${namespace}/project`;
  const listed = await engine.listImages({ ...managedLabels('image'), [Labels.image]: 'project' });
  const ours = listed.filter((image) => image.tags.some((ref) => ref.startsWith(`${repo}:`)));
  const agentIds = new Set(current);
  for (const agent of new Set(ours.map((image) => image.labels[Labels.agent] ?? ''))) {
    const latest = await engine.inspectImage(`${namespace}/${agent}:latest`);
    if (latest) agentIds.add(latest.id);
  }
  return ours
    .map((image) => projectRow(image, repo, agentIds))
    .sort((a, b) => (a.created < b.created ? 1 : -1));
}

function projectRow(image: ImageDetails, repo: string, agentIds: ReadonlySet<string>): ProjectImageRow {
  const tags = image.tags
    .filter((ref) => ref.startsWith(`${repo}:`))
    .map((ref) => ref.slice(repo.length + 1));
  const hash = image.labels[Labels.contentHash];
  const projects = tags.filter((tag) => tag !== hash);
  const agent = image.labels[Labels.agent];
  return {
    repo,
    ...(hash && tags.includes(hash) ? { tag: hash } : {}),
    projects,
    id: image.id,
    ...(agent ? { agent } : {}),
    sources: (image.labels[PROJECT_SOURCES_LABEL] ?? '').split(',').filter(Boolean),
    created: image.created,
    size: image.size,
    state:
      projects.length === 0
        ? 'superseded'
        : agentIds.has(image.labels[Labels.parent] ?? '')
          ? 'current'
          : 'stale',
  };
}
