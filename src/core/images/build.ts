import { agents } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';
import type { BuildEvent, Engine, ImageDetails } from '../../docker/engine.js';
import { agentVersionLabel, Labels, managedLabels } from '../../docker/labels.js';
import { LaunchError, messageOf } from '../../errors.js';
import type { EnsureImagesOptions } from '../images.js';
import type { ProgressFn } from '../progress.js';
import { type LayerContext, tarContext } from './context.js';
import { npmViewResolver, resolveAgentVersions } from './versions.js';

/** The base image's id, pulled first when it is missing or `pull` asks for it. */
export async function ensureBaseImage(
  engine: Engine,
  ref: string,
  pull: boolean,
  progress: ProgressFn,
): Promise<string> {
  const present = await engine.inspectImage(ref);
  if (present && !pull) return present.id;
  progress({ step: 'image-pull', message: `pulling ${ref}`, state: 'start' });
  try {
    await engine.pullImage(ref);
  } catch (error) {
    progress({ step: 'image-pull', message: `pulling ${ref} failed`, state: 'fail' });
    throw new LaunchError(
      'IMAGE_MISSING',
      present
        ? `could not pull the base image ${ref}: ${messageOf(error)}`
        : `the base image ${ref} is not here and could not be pulled: ${messageOf(error)}`,
      {
        hint: 'check the name, `docker login` if it is private, or pick another: base_image in config.toml, --base-image or LAUNCH_AGENT_BASE_IMAGE',
        cause: error,
      },
    );
  }
  const pulled = await engine.inspectImage(ref);
  if (!pulled) throw new LaunchError('IMAGE_MISSING', `the engine pulled ${ref} but cannot find it`);
  progress({ step: 'image-pull', message: `pulled ${ref}`, state: 'done' });
  return pulled.id;
}

/** Builds one layer (exact CLI versions resolved first for the agents layer) and returns the image. */
export async function buildLayer(
  engine: Engine,
  { layer, files, args }: LayerContext,
  target: {
    parent: { id: string; ref: string };
    hash: string;
    ref: string;
    labels?: Record<string, string>;
  },
  baseImage: string,
  options: EnsureImagesOptions,
): Promise<ImageDetails> {
  const step = `image-${layer.name}`;
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();
  let buildArgs = { ...args, [layer.parentArg]: target.parent.ref };
  let versions: Record<string, string> = {};
  if (layer.name === 'agents') {
    progress({ step, message: 'resolving agent CLI versions on the npm registry', state: 'start' });
    const resolved = await resolveAgentVersions(
      { ...options.versions, ...options.pinVersions },
      options.resolveVersions ?? npmViewResolver,
    );
    buildArgs = { ...buildArgs, ...Object.fromEntries(agents.map((a) => [a.versionArg, resolved[a.name]])) };
    versions = versionLabels(resolved);
  }
  const labels = {
    ...managedLabels('image'),
    [Labels.image]: layer.name,
    [Labels.contentHash]: target.hash,
    [Labels.parent]: target.parent.id,
    [Labels.baseImage]: baseImage,
    ...(layer.agent ? { [Labels.agent]: layer.agent } : {}),
    ...versions,
    ...target.labels,
  };
  progress({ step, message: `building ${layer.repo}`, state: layer.name === 'agents' ? 'update' : 'start' });
  const onEvent = (event: BuildEvent) => {
    if (event.type === 'step')
      progress({ step, message: `building ${layer.repo}: ${shorten(event.text)}`, state: 'update' });
    else if (event.type === 'output') options.onOutput?.(event.text);
  };
  try {
    const build = { tag: target.ref, buildArgs, labels, noCache: options.noCache ?? false };
    const id = await engine.buildImage(await tarContext(files), build, onEvent);
    const image = await engine.inspectImage(id);
    if (!image)
      throw new LaunchError('ENGINE_ERROR', `the engine lost ${target.ref} right after building it`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress({ step, message: `built ${target.ref} (${seconds} s)`, state: 'done' });
    return image;
  } catch (error) {
    progress({ step, message: `building ${layer.repo} failed`, state: 'fail' });
    throw error;
  }
}

/** Moves `<repo>:latest` to the image just ensured, unless it is there already. */
export async function pointLatest(engine: Engine, repo: string, id: string): Promise<void> {
  const latest = await engine.inspectImage(`${repo}:latest`);
  if (latest?.id !== id) await engine.tagImage(id, repo, 'latest');
}

function versionLabels(versions: Record<AgentName, string>): Record<string, string> {
  return {
    [Labels.agentVersions]: JSON.stringify(versions),
    ...Object.fromEntries(
      Object.entries(versions).map(([name, version]) => [agentVersionLabel(name), version]),
    ),
  };
}

export function versionsFromLabels(labels: Record<string, string>): Partial<Record<AgentName, string>> {
  const out: Partial<Record<AgentName, string>> = {};
  for (const agent of agents) {
    const version = labels[agentVersionLabel(agent.name)];
    if (version) out[agent.name] = version;
  }
  return out;
}

function shorten(step: string): string {
  return step.length > 90 ? `${step.slice(0, 87)}...` : step;
}
