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

/** The same, giving up sooner (for `images list` and doctor, which must not hang offline). */
export const quickNpmViewResolver: VersionResolver = (pkg, spec) => npmView(pkg, spec, 10_000);

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
