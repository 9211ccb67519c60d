import { NETWORK_MODES } from '../config/network.js';
import { LaunchError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `4g`, `512m`, `4GiB`, `1073741824` -> bytes (binary units, as docker does). */
/** `what` names the value in errors: the flag, or the config key and its place. */
export function parseMemory(value: string, what = '--memory'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const factor = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new LaunchError('USAGE', `${what} must be a size such as 4g, 512m or 2GiB, got \`${value}\``, {
      hint: 'the default is 4g; sizes use binary units (1g = 1024m)',
    });
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 64 * 1024 ** 2) {
    throw new LaunchError('USAGE', `${what} must be at least 64m, got \`${value}\``, {
      hint: 'agents need room: 4g is the default',
    });
  }
  return bytes;
}

/** `--disk 20g`: the workspace's size limit, in bytes (at least 100m). */
export function parseDisk(value: string, what = '--disk'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const factor = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && factor !== undefined ? Math.floor(Number(match[1]) * factor) : 0;
  if (bytes < 100 * 1024 ** 2) {
    throw new LaunchError('USAGE', `${what} must be a size of at least 100m such as 20g, got \`${value}\``, {
      hint: "sizes use binary units (1g = 1024m); without --disk the workspace is bounded by the engine's disk",
    });
  }
  return bytes;
}

export function parseCpus(value: string, what = '--cpus'): number {
  const cpus = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(cpus) || cpus <= 0) {
    throw new LaunchError('USAGE', `${what} must be a positive number, got \`${value}\``, {
      hint: 'e.g. --cpus 2 or --cpus 0.5 (the default is 2)',
    });
  }
  return Math.round(cpus * 1e9);
}

export function parsePids(value: string, what = '--pids'): number {
  const pids = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || pids < 16) {
    throw new LaunchError('USAGE', `${what} must be a whole number of at least 16, got \`${value}\``, {
      hint: 'the default is 512',
    });
  }
  return pids;
}

/** `[defaults] network` is checked here with the modes plan.ts takes for `--network`. */
export function parseNetwork(value: string, what = '--network'): string {
  if (!(NETWORK_MODES as readonly string[]).includes(value)) {
    throw new LaunchError('USAGE', `${what} must be ${NETWORK_MODES.join(', ')}, got \`${value}\``, {
      hint: 'bridge (the default) reaches the network; allowlist only the listed hosts; none nothing',
    });
  }
  return value;
}
