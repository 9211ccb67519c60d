import type { AgentDescriptor } from '../../agents/types.js';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import type { LaunchOptions } from '../plan.js';
import type { ProgressFn } from '../progress.js';

/** The image step: `--image` as given (it must exist), else the launch-agent chain, built if stale. */
export async function ensureAgentImage(
  engine: Engine,
  agent: AgentDescriptor,
  options: LaunchOptions,
  onProgress?: ProgressFn,
): Promise<string> {
  if (options.image) {
    if (!(await engine.inspectImage(options.image))) {
      throw new LaunchError('IMAGE_MISSING', `image ${options.image} not found on the engine`, {
        hint: 'build or pull it first, or drop --image to use launch-agent/<agent>',
      });
    }
    return options.image;
  }
  const { ensureImages } = await import('../images.js');
  const result = await ensureImages(engine, {
    agent: agent.name,
    baseImage: options.baseImage,
    caBundle: options.caBundle,
    onProgress,
  });
  if (!result.agentImage) throw new LaunchError('INTERNAL', `no image was made for ${agent.name}`);
  return result.agentImage;
}

/** `--network allowlist`: the egress proxy's image (launch-agent/proxy), built if stale. */
export async function ensureProxyImage(
  engine: Engine,
  options: LaunchOptions,
  onProgress?: ProgressFn,
): Promise<string> {
  const { ensureImages } = await import('../images.js');
  const result = await ensureImages(engine, {
    proxyOnly: true,
    baseImage: options.baseImage,
    caBundle: options.caBundle,
    onProgress,
  });
  if (!result.proxyImage) throw new LaunchError('INTERNAL', 'no proxy image was made');
  return result.proxyImage;
}
