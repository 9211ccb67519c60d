import { userConfigFile } from '../../config/paths.js';
import { isLaunchError, messageOf } from '../../errors.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/** The user's config.toml parses and validates; its warnings (unknown keys...) warn here too. */
export async function checkConfig(deps: DoctorDeps): Promise<DoctorCheck[]> {
  if (!deps.userConfig) return [];
  const file = userConfigFile(deps.host);
  const name = 'config';
  let config: Awaited<ReturnType<NonNullable<DoctorDeps['userConfig']>>>;
  try {
    config = await deps.userConfig();
  } catch (error) {
    return [
      {
        name,
        status: 'fail',
        detail: messageOf(error),
        remedy: (isLaunchError(error) ? error.hint : undefined) ?? `fix ${file}`,
        facts: { file },
      },
    ];
  }
  const facts = {
    file,
    present: config.files.length > 0,
    servers: config.servers,
    warnings: config.warnings,
  };
  if (config.files.length === 0) {
    return [
      {
        name,
        status: 'ok',
        detail: `no ${file}: defaults apply, no MCP servers (\`launch-agent init\` writes a commented one)`,
        facts,
      },
    ];
  }
  const servers = config.servers.length === 0 ? 'no MCP servers' : `MCP servers ${config.servers.join(', ')}`;
  if (config.warnings.length > 0) {
    const more = config.warnings.length > 1 ? ` (and ${config.warnings.length - 1} more)` : '';
    return [
      {
        name,
        status: 'warn',
        detail: `${file}: ${servers}; ${config.warnings[0]}${more}`,
        remedy: `fix or remove what ${file} says above; docs/configuration.md lists every key`,
        facts,
      },
    ];
  }
  return [{ name, status: 'ok', detail: `${file}: ${servers}`, facts }];
}
