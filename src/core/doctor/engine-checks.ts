import type { EngineEndpoint } from '../../docker/connect.js';
import type { Engine, EngineInfo } from '../../docker/engine.js';
import { isLaunchError, messageOf } from '../../errors.js';
import { type EngineKind, engineKind, storageRemedy } from '../engine-profile.js';
import { checkDataRootSpace } from './disk-check.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/** Copy-on-write drivers that share layers; anything else copies them and is slow. */
const GOOD_DRIVERS = new Set([
  'overlay2',
  'overlay',
  'overlayfs',
  'fuse-overlayfs',
  'btrfs',
  'zfs',
  'stargz',
]);
const DEPRECATED_DRIVERS = new Set(['aufs', 'devicemapper']);

const TRANSPORT_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ABORT_ERR',
]);

/** An engine that accepts but never answers must not hang doctor. */
export const ENGINE_TIMEOUT_MS = 15_000;

export interface EngineCheckResult {
  checks: DoctorCheck[];
  /** Set when the engine answered, for the checks that need it. */
  engine?: Engine;
  info?: EngineInfo;
}

/** Engine reachable (endpoint, where it came from, Docker or Podman, versions) and its storage driver. */
export async function checkEngine(deps: DoctorDeps): Promise<EngineCheckResult> {
  let engine: Engine;
  try {
    engine = await deps.engine();
  } catch (error) {
    return { checks: [engineFailure(error, undefined)] };
  }
  let info: EngineInfo;
  try {
    info = await engine.info({ timeoutMs: deps.engineTimeoutMs ?? ENGINE_TIMEOUT_MS });
  } catch (error) {
    return { checks: [engineFailure(error, engine)] };
  }
  const { endpoint } = engine;
  const check: DoctorCheck = {
    name: 'engine',
    status: 'ok',
    detail: `${info.name} ${info.version} (API ${info.apiVersion}${info.rootless ? ', rootless' : ''}) at ${endpoint.url} (${endpoint.source})`,
    facts: {
      endpoint: endpoint.url,
      source: endpoint.source,
      engine: info.name,
      version: info.version,
      apiVersion: info.apiVersion,
      os: info.os,
      arch: info.arch,
      rootless: info.rootless,
    },
  };
  if (apiOlderThan(info.apiVersion, MIN_API)) {
    check.status = 'warn';
    check.detail += `: API ${info.apiVersion} is older than ${MIN_API.join('.')}, which launch-agent is tested with`;
    check.remedy = 'upgrade to Docker Engine 20.10 or newer, or Podman 4 or newer';
  }
  return {
    checks: [check, checkStorageDriver(info, engineKind(info, endpoint)), await checkDataRootSpace(info)],
    engine,
    info,
  };
}

/** Docker 20.10 and Podman 4 speak API 1.41; older engines lack what launches rely on. */
export const MIN_API: readonly [number, number] = [1, 41];

function apiOlderThan(version: string, min: readonly [number, number]): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < min[0] || (major === min[0] && minor < min[1]);
}

function engineFailure(error: unknown, engine: Engine | undefined): DoctorCheck {
  const endpoint = engine?.endpoint;
  const launchError = isLaunchError(error) ? error : undefined;
  const cause = causeCode(launchError);
  // Transport failures get a remedy for where the endpoint came from; others (an ssh host key)
  // carry their own hint.
  const unreachable =
    launchError?.code === 'ENGINE_UNREACHABLE' && endpoint !== undefined && TRANSPORT_CODES.has(cause ?? '');
  return {
    name: 'engine',
    status: 'fail',
    detail: endpoint ? `${messageOf(error)}; endpoint from ${endpoint.source}` : messageOf(error),
    remedy: unreachable
      ? unreachableRemedy(endpoint, cause)
      : (launchError?.hint ??
        'start Docker (or Podman), or point DOCKER_HOST / the docker context at a running engine'),
    facts: {
      endpoint: endpoint?.url ?? null,
      source: endpoint?.source ?? null,
      code: launchError?.code ?? null,
      cause: cause ?? null,
    },
  };
}

function causeCode(error: Error | undefined): string | undefined {
  const code = (error?.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What to do depends on where the endpoint came from: the user's variable, a context, or our default. */
export function unreachableRemedy(endpoint: EngineEndpoint, code: string | undefined): string {
  if (code === 'ABORT_ERR') {
    return `something at ${endpoint.url} accepts connections but does not answer: restart the engine, or point ${endpoint.source === 'DOCKER_HOST' ? 'DOCKER_HOST' : 'DOCKER_HOST or the docker context'} at a responsive one`;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `you may not use ${endpoint.socketPath ?? endpoint.url}: add yourself to the docker group and log in again, or point DOCKER_HOST at an engine you may use`;
  }
  if (endpoint.source === 'DOCKER_HOST') {
    return `start the engine at ${endpoint.url}, or fix DOCKER_HOST (unset it to use the default socket)`;
  }
  if (endpoint.source.startsWith('context ')) {
    return `start the engine of docker ${endpoint.source}, or switch with \`docker context use default\` (or DOCKER_CONTEXT)`;
  }
  return 'start Docker or Podman (e.g. `sudo systemctl start docker`, Docker Desktop, `podman machine start`), or set DOCKER_HOST to a running engine';
}

export function checkStorageDriver(info: EngineInfo, kind: EngineKind = 'docker'): DoctorCheck {
  const driver = info.storageDriver;
  const facts = { storageDriver: driver };
  if (GOOD_DRIVERS.has(driver)) {
    return { name: 'storage-driver', status: 'ok', detail: driver, facts };
  }
  if (driver === 'vfs') {
    return {
      name: 'storage-driver',
      status: 'warn',
      detail: 'vfs copies every image layer in full: builds and launches are slow and use much disk',
      remedy: storageRemedy(kind),
      facts,
    };
  }
  if (DEPRECATED_DRIVERS.has(driver)) {
    return {
      name: 'storage-driver',
      status: 'warn',
      detail: `${driver} is deprecated and removed from current engines`,
      remedy: storageRemedy(kind),
      facts,
    };
  }
  return {
    name: 'storage-driver',
    status: 'warn',
    detail: driver
      ? `${driver} is not a driver launch-agent is tested with`
      : 'the engine did not name its storage driver',
    remedy: `overlay2 is the tested driver; if launches are slow, switch to it`,
    facts,
  };
}

/** Each launch-agent image: present and up to date, as the images module computes it. */
export async function checkImages(deps: DoctorDeps, engine: Engine): Promise<DoctorCheck[]> {
  if (!deps.images) return [];
  let states: Awaited<ReturnType<NonNullable<DoctorDeps['images']>>>;
  try {
    states = await deps.images(engine);
  } catch (error) {
    return [
      {
        name: 'images',
        status: 'warn',
        detail: `could not tell whether the images are up to date: ${messageOf(error)}`,
        remedy: 'run `launch-agent images` to see and build them',
      },
    ];
  }
  return states.map((state): DoctorCheck => {
    const name = `image.${state.image}`;
    const facts = { image: state.image, present: state.present, upToDate: state.upToDate };
    const extra = state.detail ? ` (${state.detail})` : '';
    if (!state.present) {
      return {
        name,
        status: 'warn',
        detail: `${state.image} is not built yet${extra}; the first launch builds it`,
        remedy: 'build it ahead of time with `launch-agent images build`',
        facts,
      };
    }
    if (!state.upToDate) {
      return {
        name,
        status: 'warn',
        detail: `${state.image} is out of date${extra}; the next launch rebuilds it`,
        remedy: 'rebuild it ahead of time with `launch-agent images build`',
        facts,
      };
    }
    return { name, status: 'ok', detail: `${state.image} is up to date${extra}`, facts };
  });
}
