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
  const baseImageId = await ensureBaseImage(engine, settings.baseImage, options.pull ?? false, progress);
  // Each layer's parent by name: every per-agent image is built on agents, not on the previous agent.
  const done = new Map<LayerName, { id: string; ref: string }>();
  const images: EnsuredImage[] = [];

  for (const context of contexts) {
    const { layer } = context;
    const parent = layer.parent ? done.get(layer.parent) : { id: baseImageId, ref: settings.baseImage };
    if (!parent) throw new LaunchError('INTERNAL', `${layer.repo} comes before its parent ${layer.parent}`);
    const hash = contentHash(context.files, context.args, parent.id);
    const ref = `${layer.repo}:${hash}`;
    const existing = options.noCache ? undefined : await engine.inspectImage(ref);
    const image =
      existing ?? (await buildLayer(engine, context, { parent, hash, ref }, settings.baseImage, options));
    await pointLatest(engine, layer.repo, image.id);
    images.push({
      name: layer.name,
      ref,
      id: image.id,
      hash,
      built: !existing,
      agentVersions: versionsFromLabels(image.labels),
    });
    done.set(layer.name, { id: image.id, ref });
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
  const baseImageId = (await engine.inspectImage(settings.baseImage))?.id;
  const baseImagePresent = baseImageId !== undefined;
  const currentIds = new Map<LayerName, string | undefined>();
  const rows: ImageStatus[] = [];
  for (const { layer, files, args } of contexts) {
    const parentId = layer.parent ? currentIds.get(layer.parent) : baseImageId;
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
    currentIds.set(layer.name, current?.id);
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
      present
        ? `could not pull the base image ${ref}: ${messageOf(error)}`
        : `the base image ${ref} is not here and could not be pulled: ${messageOf(error)}`,
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

/** Builds one layer (exact CLI versions resolved first for the agents layer) and returns the image. */
async function buildLayer(
  engine: Engine,
  { layer, files, args }: LayerContext,
  target: { parent: { id: string; ref: string }; hash: string; ref: string },
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
      options.versions ?? {},
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
