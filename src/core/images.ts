import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agents } from '../agents/registry.js';
import type { AgentName } from '../agents/types.js';
import type { ProgressFn } from '../cli/progress.js';
import { type HostFacts, hostFacts } from '../config/paths.js';
import type { BuildEvent, Engine, ImageDetails } from '../docker/engine.js';
import { agentVersionLabel, Labels, managedLabels } from '../docker/labels.js';
import { LaunchError, messageOf } from '../errors.js';
import { type ContextFile, contentHash, readContextDir, tarContext, withExtraCa } from './images/context.js';
import { type LayerName, type LayerSpec, layerChain, versionArgs } from './images/layers.js';
import { type ImageSettings, loadImageSettings } from './images/settings.js';
import { npmViewResolver, resolveAgentVersions, type VersionResolver } from './images/versions.js';

export { DEFAULT_BASE_IMAGE, type LayerName } from './images/layers.js';

/** `images/` of this package: the same relative place from src/core and dist/core. */
export const defaultImagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../images');

export interface ImageOptions {
  /** One agent's chain (base, agents, that agent); default or `all`: every agent. */
  agent?: AgentName | undefined;
  all?: boolean | undefined;
  baseImage?: string | undefined;
  caBundle?: string | undefined;
  /** npm version specs per agent (default `latest`, resolved when the agents layer is built). */
  versions?: Partial<Record<AgentName, string>> | undefined;
  /** Another directory of layer contexts (tests use fixtures). */
  imagesDir?: string | undefined;
  /** Repository namespace instead of `launch-agent` (tests build private chains). */
  namespace?: string | undefined;
  host?: HostFacts | undefined;
}

export interface EnsureImagesOptions extends ImageOptions {
  /** Rebuild every layer of the chain without the engine's cache. */
  noCache?: boolean | undefined;
  /** Pull the base image even when it is present. */
  pull?: boolean | undefined;
  onProgress?: ProgressFn | undefined;
  /** Raw build output lines, for `--verbose`. */
  onOutput?: ((text: string) => void) | undefined;
  resolveVersions?: VersionResolver | undefined;
}

export interface EnsuredImage {
  name: LayerName;
  /** `launch-agent/<name>:<hash>` */
  ref: string;
  id: string;
  hash: string;
  built: boolean;
  agentVersions: Partial<Record<AgentName, string>>;
}

export interface EnsureImagesResult {
  images: EnsuredImage[];
  /** `launch-agent/<agent>:<hash>` when one agent was asked for. */
  agentImage?: string;
  baseImage: string;
  caBundle?: string;
  /** How many layers were built (0: the chain was up to date). */
  built: number;
}

interface LayerContext {
  layer: LayerSpec;
  files: ContextFile[];
  /** Build arguments that go into the hash (the parent is hashed by id instead). */
  args: Record<string, string>;
}

/**
 * Makes sure the chain base -> agents -> agent(s) exists for these inputs, building only the
 * layers whose content hash has no image yet. Up to date = a few image inspects, no build.
 */
export async function ensureImages(
  engine: Engine,
  options: EnsureImagesOptions = {},
): Promise<EnsureImagesResult> {
  const host = options.host ?? hostFacts();
  const settings = await loadImageSettings(options, host);
  const contexts = await loadContexts(options, settings.caContent);
  const progress = options.onProgress ?? (() => {});
  let parentId = await ensureBaseImage(engine, settings.baseImage, options.pull ?? false, progress);
  let parentRef = settings.baseImage;
  let resolved: Record<AgentName, string> | undefined;
  const images: EnsuredImage[] = [];

  for (const { layer, files, args } of contexts) {
    const hash = contentHash(files, args, parentId);
    const ref = `${layer.repo}:${hash}`;
    const existing = options.noCache ? undefined : await engine.inspectImage(ref);
    let image: ImageDetails | undefined = existing;
    if (!existing) {
      let buildArgs = { ...args, [layer.parentArg]: parentRef };
      if (layer.name === 'agents') {
        progress({
          step: 'image-agents',
          message: 'resolving agent CLI versions on the npm registry',
          state: 'start',
        });
        resolved = await resolveAgentVersions(
          options.versions ?? {},
          options.resolveVersions ?? npmViewResolver,
        );
        buildArgs = {
          ...buildArgs,
          ...Object.fromEntries(agents.map((a) => [a.versionArg, resolved![a.name]])),
        };
      }
      const labels = {
        ...managedLabels('image'),
        [Labels.image]: layer.name,
        [Labels.contentHash]: hash,
        [Labels.parent]: parentId,
        [Labels.baseImage]: settings.baseImage,
        ...(layer.agent ? { [Labels.agent]: layer.agent } : {}),
        ...(layer.name === 'agents' && resolved ? versionLabels(resolved) : {}),
      };
      const id = await buildLayer(
        engine,
        layer,
        ref,
        files,
        { buildArgs, labels, noCache: options.noCache ?? false },
        options,
      );
      image = await engine.inspectImage(id);
      if (!image) throw new LaunchError('ENGINE_ERROR', `the engine lost ${ref} right after building it`);
    }
    await pointLatest(engine, layer.repo, image!.id);
    images.push({
      name: layer.name,
      ref,
      id: image!.id,
      hash,
      built: !existing,
      agentVersions: versionsFromLabels(image!.labels),
    });
    parentId = image!.id;
    parentRef = ref;
  }

  const agentImage =
    options.agent && !options.all ? images.find((i) => i.name === options.agent)?.ref : undefined;
  return {
    images,
    ...(agentImage ? { agentImage } : {}),
    baseImage: settings.baseImage,
    ...(settings.caBundle ? { caBundle: settings.caBundle } : {}),
    built: images.filter((i) => i.built).length,
  };
}

export interface ImageStatus {
  name: LayerName;
  repo: string;
  /** The tag `:latest` points at (a content hash), if any image exists. */
  tag?: string;
  id?: string;
  created?: string;
  size?: number;
  agentVersions: Partial<Record<AgentName, string>>;
  /** The tag the current inputs call for; undefined when a parent is missing. */
  expectedTag?: string;
  /** missing: never built; stale: built from other inputs (or its parent changed); current. */
  state: 'current' | 'stale' | 'missing';
}

/** For `images list` and doctor: what exists, and whether it matches the current inputs. */
export async function imageStatus(
  engine: Engine,
  options: ImageOptions = {},
): Promise<{ baseImage: string; baseImagePresent: boolean; images: ImageStatus[] }> {
  const host = options.host ?? hostFacts();
  const settings = await loadImageSettings(options, host);
  const contexts = await loadContexts(
    { ...options, all: options.agent ? options.all : true },
    settings.caContent,
  );
  let parentId = (await engine.inspectImage(settings.baseImage))?.id;
  const baseImagePresent = parentId !== undefined;
  const rows: ImageStatus[] = [];
  for (const { layer, files, args } of contexts) {
    const expected = parentId === undefined ? undefined : contentHash(files, args, parentId);
    const [latest, current] = await Promise.all([
      engine.inspectImage(`${layer.repo}:latest`),
      expected === undefined ? undefined : engine.inspectImage(`${layer.repo}:${expected}`),
    ]);
    const shown = current ?? latest;
    const tag = shown?.labels[Labels.contentHash];
    rows.push({
      name: layer.name,
      repo: layer.repo,
      ...(tag ? { tag } : {}),
      ...(shown ? { id: shown.id, created: shown.created, size: shown.size } : {}),
      agentVersions: shown ? versionsFromLabels(shown.labels) : {},
      ...(expected ? { expectedTag: expected } : {}),
      state: current ? 'current' : latest ? 'stale' : 'missing',
    });
    parentId = current?.id;
  }
  return { baseImage: settings.baseImage, baseImagePresent, images: rows };
}

async function loadContexts(options: ImageOptions, caContent: Buffer | undefined): Promise<LayerContext[]> {
  const dir = options.imagesDir ?? defaultImagesDir;
  const layers = layerChain(options);
  return Promise.all(
    layers.map(async (layer) => {
      let files = await readContextDir(path.join(dir, layer.name)).catch((error: unknown) => {
        throw new LaunchError('FILE_NOT_FOUND', `no build context for ${layer.repo} in ${dir}`, {
          hint: 'reinstall launch-agent: its images/ directory is incomplete',
          cause: error,
        });
      });
      if (layer.name === 'base') files = withExtraCa(files, caContent);
      const args = layer.name === 'agents' ? versionArgs(options.versions) : {};
      return { layer, files, args };
    }),
  );
}

async function ensureBaseImage(
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
      `the base image ${ref} is not here and could not be pulled: ${messageOf(error)}`,
      {
        hint: 'check the name, `docker login` if it is private, or pick another with --base-image / LAUNCH_AGENT_BASE_IMAGE',
        cause: error,
      },
    );
  }
  const pulled = await engine.inspectImage(ref);
  if (!pulled) throw new LaunchError('IMAGE_MISSING', `the engine pulled ${ref} but cannot find it`);
  progress({ step: 'image-pull', message: `pulled ${ref}`, state: 'done' });
  return pulled.id;
}

async function buildLayer(
  engine: Engine,
  layer: LayerSpec,
  ref: string,
  files: ContextFile[],
  build: { buildArgs: Record<string, string>; labels: Record<string, string>; noCache: boolean },
  options: EnsureImagesOptions,
): Promise<string> {
  const step = `image-${layer.name}`;
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();
  progress({ step, message: `building ${layer.repo}`, state: 'start' });
  const onEvent = (event: BuildEvent) => {
    if (event.type === 'step')
      progress({ step, message: `building ${layer.repo}: ${shorten(event.text)}`, state: 'update' });
    else if (event.type === 'output') options.onOutput?.(event.text);
  };
  try {
    const id = await engine.buildImage(await tarContext(files), { tag: ref, ...build }, onEvent);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress({ step, message: `built ${ref} (${seconds} s)`, state: 'done' });
    return id;
  } catch (error) {
    progress({ step, message: `building ${layer.repo} failed`, state: 'fail' });
    throw error;
  }
}

async function pointLatest(engine: Engine, repo: string, id: string): Promise<void> {
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

export type { ImageSettings };
