import { agents } from '../../agents/registry.js';
import type { AgentName } from '../../agents/types.js';
import { LaunchError, messageOf } from '../../errors.js';

/** Resolves an npm version spec (`latest`, `2.1`, `^1.0.0`, `1.2.3`) to one exact version. */
export type VersionResolver = (pkg: string, spec: string) => Promise<string>;

/**
 * Asks the npm registry from the host (the user's npm config, proxy and CA apply), so the exact
 * versions become build arguments and labels: a new release changes the RUN step's cache key,
 * and the labels say what is installed without starting a container.
 */
export const npmViewResolver: VersionResolver = (pkg, spec) => npmView(pkg, spec, 60_000);

/**
 * For `images update`, `images list` and doctor: `latest` read from the registry's small
 * dist-tag document (one request each, ~0.2 s, where `npm view` downloads the whole package
 * history, ~2.5 s a CLI); other specs, a proxy in the environment, or any failure (a private
 * registry's login...) go through `npm view`. Gives up after `timeoutMs`.
 */
export function registryResolver(env: NodeJS.ProcessEnv, timeoutMs = 10_000): VersionResolver {
  const proxied = [
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'npm_config_https_proxy',
    'npm_config_proxy',
  ].some((key) => env[key]);
  let registry: Promise<string | undefined> | undefined;
  return async (pkg, spec) => {
    if (spec === 'latest' && !proxied) {
      registry ??= npmRegistry(env);
      const version = await distTag(await registry, pkg, timeoutMs);
      if (version) return version;
    }
    return npmView(pkg, spec, timeoutMs);
  };
}

async function npmRegistry(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.npm_config_registry) return env.npm_config_registry;
  try {
    const { execa } = await import('execa');
    const { stdout } = await execa('npm', ['config', 'get', 'registry'], { timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function distTag(
  registry: string | undefined,
  pkg: string,
  timeoutMs: number,
): Promise<string | undefined> {
  if (!registry || !/^https?:\/\//.test(registry)) return undefined;
  try {
    const url = `${registry.replace(/\/?$/, '/')}${pkg.replace('/', '%2f')}/latest`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const { version } = (await response.json()) as { version?: unknown };
    return typeof version === 'string' && version !== '' ? version : undefined;
  } catch {
    return undefined;
  }
}

async function npmView(pkg: string, spec: string, timeout: number): Promise<string> {
  let stdout: string;
  try {
    // Loaded here: only a build needs it, and the up-to-date check must stay fast.
    const { execa } = await import('execa');
    ({ stdout } = await execa('npm', ['view', `${pkg}@${spec}`, 'version', '--json', '--fetch-retries=0'], {
      timeout,
    }));
  } catch (error) {
    throw new LaunchError(
      'IMAGE_BUILD_FAILED',
      `cannot resolve ${pkg}@${spec} on the npm registry: ${firstLine(error)}`,
      {
        hint: 'check the version and that npm on this machine reaches its registry (npm view works)',
        cause: error,
      },
    );
  }
  return pickVersion(stdout, `${pkg}@${spec}`);
}

/** `npm view --json` prints one string, or an array for a range (newest last). */
export function pickVersion(json: string, what: string): string {
  let parsed: unknown;
  try {
    parsed = json.trim() === '' ? undefined : JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  const version = Array.isArray(parsed) ? parsed.at(-1) : parsed;
  if (typeof version !== 'string' || version === '') {
    throw new LaunchError('IMAGE_BUILD_FAILED', `no npm version matches ${what}`, {
      hint: 'pick a published version or a dist-tag such as latest',
    });
  }
  return version;
}

export async function resolveAgentVersions(
  requested: Partial<Record<AgentName, string>>,
  resolve: VersionResolver,
): Promise<Record<AgentName, string>> {
  const pairs = await Promise.all(
    agents.map(async (a) => {
      const spec = requested[a.name] ?? 'latest';
      const exact = /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) ? spec : await resolve(a.npmPackage, spec);
      return [a.name, exact] as const;
    }),
  );
  return Object.fromEntries(pairs) as Record<AgentName, string>;
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: string; code?: string };
  if (e.code === 'ENOENT') return 'npm is not installed on this machine';
  const stderr = e.stderr
    ?.split('\n')
    .find((line) => /npm (error|ERR!)/.test(line) && !/A complete log/.test(line));
  return stderr?.replace(/^npm (error|ERR!)\s*/, '') ?? messageOf(error).split('\n')[0] ?? '';
}
