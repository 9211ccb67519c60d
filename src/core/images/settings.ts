import { access, constants, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type HostFacts, userConfigFile } from '../../config/paths.js';
import { readUserConfig } from '../../config/user-config.js';
import { LaunchError, messageOf } from '../../errors.js';
import { DEFAULT_BASE_IMAGE } from './layers.js';

/** The top-level keys of config.toml that images read. */
export interface ImagesConfig {
  base_image?: string;
  ca_bundle?: string;
}

export interface ImageSettings {
  baseImage: string;
  baseImageFrom: 'option' | 'env' | 'config' | 'default';
  /** Absolute path of the extra CA bundle, if any. */
  caBundle?: string;
  caBundleFrom?: 'option' | 'config' | 'NODE_EXTRA_CA_CERTS';
}

/** `base_image` and `ca_bundle` from config.toml (src/config/user-config.ts reads and checks it). */
export async function readImagesConfig(host: HostFacts): Promise<ImagesConfig> {
  const { baseImage, caBundle } = await readUserConfig(host);
  return { ...(baseImage ? { base_image: baseImage } : {}), ...(caBundle ? { ca_bundle: caBundle } : {}) };
}

/**
 * Pure precedence rules. Base image: option > LAUNCH_AGENT_BASE_IMAGE > config > default.
 * CA bundle: option > config `ca_bundle` > the host's NODE_EXTRA_CA_CERTS (only if readable,
 * which `readable` tells).
 */
export function resolveImageSettings(input: {
  baseImage?: string | undefined;
  caBundle?: string | undefined;
  config: ImagesConfig;
  host: HostFacts;
  nodeExtraCaReadable: boolean;
}): ImageSettings {
  const { host, config } = input;
  const envBase = host.env.LAUNCH_AGENT_BASE_IMAGE;
  const [baseImage, baseImageFrom] = input.baseImage
    ? [input.baseImage, 'option' as const]
    : envBase
      ? [envBase, 'env' as const]
      : config.base_image
        ? [config.base_image, 'config' as const]
        : [DEFAULT_BASE_IMAGE, 'default' as const];
  const settings: ImageSettings = { baseImage, baseImageFrom };
  const configDir = path.dirname(userConfigFile(host));
  if (input.caBundle) {
    settings.caBundle = expandPath(input.caBundle, host, process.cwd());
    settings.caBundleFrom = 'option';
  } else if (config.ca_bundle) {
    settings.caBundle = expandPath(config.ca_bundle, host, configDir);
    settings.caBundleFrom = 'config';
  } else if (host.env.NODE_EXTRA_CA_CERTS && input.nodeExtraCaReadable) {
    settings.caBundle = host.env.NODE_EXTRA_CA_CERTS;
    settings.caBundleFrom = 'NODE_EXTRA_CA_CERTS';
  }
  return settings;
}

function expandPath(file: string, host: HostFacts, relativeTo: string): string {
  if (file === '~' || file.startsWith('~/')) return path.join(host.homedir, file.slice(1));
  return path.resolve(relativeTo, file);
}

/** Reads config and files, then applies the rules; a named CA bundle that can't be read fails. */
export async function loadImageSettings(
  options: { baseImage?: string | undefined; caBundle?: string | undefined },
  host: HostFacts,
): Promise<ImageSettings & { caContent?: Buffer }> {
  const config = await readImagesConfig(host);
  const extra = host.env.NODE_EXTRA_CA_CERTS;
  const nodeExtraCaReadable = extra
    ? await access(extra, constants.R_OK).then(
        () => true,
        () => false,
      )
    : false;
  const settings = resolveImageSettings({ ...options, config, host, nodeExtraCaReadable });
  if (!settings.caBundle) return settings;
  try {
    return { ...settings, caContent: await readFile(settings.caBundle) };
  } catch (error) {
    const where = settings.caBundleFrom === 'config' ? `ca_bundle in ${userConfigFile(host)}` : '--ca-bundle';
    throw new LaunchError(
      'FILE_NOT_FOUND',
      `cannot read the CA bundle ${settings.caBundle} (${where}): ${messageOf(error)}`,
      {
        hint: "point it at a PEM file holding your proxy's CA certificate(s)",
      },
    );
  }
}
