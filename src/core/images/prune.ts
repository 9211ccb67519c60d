import type { Engine } from '../../docker/engine.js';
import { Labels, managedLabels } from '../../docker/labels.js';
import { messageOf } from '../../errors.js';
import { type ImageOptions, imageStatus } from '../images.js';
import { IMAGE_NAMESPACE, layerChain } from './layers.js';
import { projectImages } from './project-layer.js';

export interface PrunableImage {
  ref: string;
  id: string;
  layer: string;
  created: string;
  size: number;
}

export interface PruneImagesResult {
  /** Tags of our images that are neither `:latest` nor what the current inputs call for. */
  removable: PrunableImage[];
  removed: boolean;
  /** Tags the engine refused to remove (e.g. a container still uses the image). */
  kept: Array<{ ref: string; reason: string }>;
}

/**
 * Superseded images (older agent versions, other base images or CA bundles) pile up at a
 * gigabyte or more each; this finds them by label and, with `yes`, removes their tags,
 * per-agent images before their parents.
 */
export async function pruneImages(
  engine: Engine,
  options: ImageOptions & { yes?: boolean } = {},
): Promise<PruneImagesResult> {
  const namespace = options.namespace ?? IMAGE_NAMESPACE;
  const repos = new Set(layerChain({ all: true, namespace }).map((layer) => layer.repo));
  const status = await imageStatus(engine, { ...options, all: true });
  const keep = new Set(status.images.flatMap((i) => (i.state === 'current' && i.id ? [i.id] : [])));
  const latest = await Promise.all([...repos].map((repo) => engine.inspectImage(`${repo}:latest`)));
  for (const image of latest) if (image) keep.add(image.id);

  const order = (layer: string) => (layer === 'base' ? 2 : layer === 'agents' ? 1 : 0);
  const listed = await engine.listImages(managedLabels('image'));
  const removable = listed
    .filter((image) => !keep.has(image.id))
    .flatMap((image) =>
      image.tags
        .filter((ref) => repos.has(ref.slice(0, ref.lastIndexOf(':'))))
        .map((ref) => ({
          ref,
          id: image.id,
          layer: image.labels[Labels.image] ?? '',
          created: image.created,
          size: image.size,
        })),
    )
    .sort((a, b) => order(a.layer) - order(b.layer) || a.ref.localeCompare(b.ref));
  // Per-project images go first (they sit on the agent images): those no project points at, or
  // whose agent image has moved on.
  const projects = (await projectImages(engine, namespace, keep))
    .filter((row) => row.state !== 'current')
    .flatMap((row) =>
      [...(row.tag ? [row.tag] : []), ...row.projects].map((tag) => ({
        ref: `${row.repo}:${tag}`,
        id: row.id,
        layer: 'project',
        created: row.created,
        size: row.size,
      })),
    );
  removable.unshift(...projects);
  if (!options.yes) return { removable, removed: false, kept: [] };

  const kept: PruneImagesResult['kept'] = [];
  for (const image of removable) {
    try {
      await engine.removeImage(image.ref);
    } catch (error) {
      kept.push({ ref: image.ref, reason: messageOf(error) });
    }
  }
  return { removable: removable.filter((r) => !kept.some((k) => k.ref === r.ref)), removed: true, kept };
}
