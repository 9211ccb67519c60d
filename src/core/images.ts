import path from 'node:path';
import type { AgentName } from '../agents/types.js';
import { cacheDir, type HostFacts, hostFacts } from '../config/paths.js';
import type { Engine } from '../docker/engine.js';
import { Labels } from '../docker/labels.js';
import { LaunchError } from '../errors.js';
import { packagePath } from '../util/package-root.js';
import { buildLayer, ensureBaseImage, pointLatest, versionsFromLabels } from './images/build.js';
import { contentHash, loadContexts } from './images/context.js';
import { type LayerName, layerChain } from './images/layers.js';
import { acquireBuildLock } from './images/lock.js';
import { type ImageSettings, loadImageSettings } from './images/settings.js';
import type { VersionResolver } from './images/versions.js';
import type { ProgressFn } from './progress.js';

export { DEFAULT_BASE_IMAGE, type LayerName } from './images/layers.js';

/** `images/` of this package. */
export const defaultImagesDir = packagePath('images');

export interface ImageOptions {
  /** One agent's chain (base, agents, that agent); default or `all`: every agent. */
  agent?: AgentName | undefined;
  all?: boolean | undefined;
  /** Only the egress proxy's image (launch-agent/proxy). */
  proxyOnly?: boolean | undefined;
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
  /** Replaces the per-user build lock file (tests); returns its release. */
  buildLock?: (() => Promise<() => Promise<void>>) | undefined;
  /** Build these layers again even though an image with their tag exists (`images update`). */
  rebuild?: LayerName[] | undefined;
  /** Exact CLI versions the agents layer installs if it is built; unlike `versions`, not hashed. */
  pinVersions?: Partial<Record<AgentName, string>> | undefined;
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
  /** `launch-agent/proxy:<hash>` when the proxy was in the chain. */
  proxyImage?: string;
  baseImage: string;
  caBundle?: string;
  /** How many layers were built (0: the chain was up to date). */
  built: number;
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
  const contexts = await loadContexts(
    options.imagesDir ?? defaultImagesDir,
    layerChain(options),
    settings.caContent,
    options.versions,
  );
  const progress = options.onProgress ?? (() => {});
  const baseImageId = await ensureBaseImage(engine, settings.baseImage, options.pull ?? false, progress);
  // Each layer's parent by name: every per-agent image is built on agents, not on the previous agent.
  const done = new Map<LayerName, { id: string; ref: string }>();
  const images: EnsuredImage[] = [];
  let release: (() => Promise<void>) | undefined;
  try {
    for (const context of contexts) {
      const { layer } = context;
      const parent = layer.parent ? done.get(layer.parent) : { id: baseImageId, ref: settings.baseImage };
      if (!parent) throw new LaunchError('INTERNAL', `${layer.repo} comes before its parent ${layer.parent}`);
      const hash = contentHash(context.files, context.args, parent.id);
      const ref = `${layer.repo}:${hash}`;
      const fresh = options.noCache || options.rebuild?.includes(layer.name);
      let existing = fresh ? undefined : await engine.inspectImage(ref);
      if (!existing && !release) {
        // Take the build lock only when there is something to build; then look again, since
        // the process that held it may have just built this very layer.
        const onWait = () =>
          progress({
            step: 'image-lock',
            message: 'waiting for another image build to finish',
            state: 'start',
          });
        release = options.buildLock
          ? await options.buildLock()
          : await acquireBuildLock(path.join(cacheDir(host), 'image-build.lock'), { onWait });
        if (!fresh) existing = await engine.inspectImage(ref);
      }
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
  } finally {
    await release?.();
  }

  const agentImage =
    options.agent && !options.all ? images.find((i) => i.name === options.agent)?.ref : undefined;
  const proxyImage = images.find((i) => i.name === 'proxy')?.ref;
  return {
    images,
    ...(agentImage ? { agentImage } : {}),
    ...(proxyImage ? { proxyImage } : {}),
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
    options.imagesDir ?? defaultImagesDir,
    layerChain({ ...options, all: options.agent ? options.all : true }),
    settings.caContent,
    options.versions,
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

export { versionsFromLabels } from './images/build.js';
export type { ImageSettings };
