import type { AgentDescriptor } from '../../agents/types.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/** `security` exits 44 when the item is not in any keychain. */
async function inKeychain(item: string, deps: DoctorDeps): Promise<boolean> {
  const result = await deps.run('security', ['find-generic-password', '-s', item]).catch(() => undefined);
  return result?.exitCode === 0;
}

/**
 * What this host can give an agent's container: login files (the registry's auth locations,
 * env overrides applied), the macOS Keychain item, and tokens in the secrets file.
 */
export async function checkLogin(
  agent: AgentDescriptor,
  deps: DoctorDeps,
  secrets: { file: string; keys: string[] },
): Promise<DoctorCheck> {
  const name = `login.${agent.name}`;
  const locations = agent.authLocations(deps.host);
  const found: string[] = [];
  const loginFiles: string[] = [];
  for (const location of locations) {
    const probe = await deps.stat(location.hostPath).catch(() => undefined);
    if (!probe) continue;
    const shown = location.via ? `${location.hostPath} (via ${location.via})` : location.hostPath;
    found.push(shown);
    if (location.credentialFiles.length > 0) loginFiles.push(shown);
  }
  const tokens = agent.tokenEnv.filter((key) => secrets.keys.includes(key));
  const shellTokens = agent.tokenEnv.filter(
    (key) => (deps.host.env[key] ?? '') !== '' && !tokens.includes(key),
  );
  const keychain =
    deps.host.platform === 'darwin' &&
    agent.keychainItem !== undefined &&
    (await inKeychain(agent.keychainItem, deps));
  const facts = {
    agent: agent.name,
    files: found,
    loginFiles,
    secretsTokens: tokens,
    keychain,
  };
  const token = agent.longLivedToken;
  const tokenRemedy = token
    ? `${token.how} and put ${token.env}=<token> in ${secrets.file} (mode 600)`
    : `put ${agent.tokenEnv[0]}=<token> in ${secrets.file} (mode 600)`;

  if (tokens.length > 0) {
    const files = loginFiles.length > 0 ? `; login files ${loginFiles.join(', ')}` : '';
    return {
      name,
      status: 'ok',
      detail: `${agent.displayName}: ${tokens.join(', ')} in the secrets file${files}`,
      facts,
    };
  }
  if (loginFiles.length > 0) {
    if (token) {
      return {
        name,
        status: 'warn',
        detail: `${agent.displayName}: login ${loginFiles.join(', ')} holds single-use refresh tokens; a container that refreshes it can log this host out`,
        remedy: tokenRemedy,
        facts,
      };
    }
    return { name, status: 'ok', detail: `${agent.displayName}: login ${loginFiles.join(', ')}`, facts };
  }
  if (keychain) {
    return {
      name,
      status: 'warn',
      detail: `${agent.displayName}: the login is in the macOS Keychain (\`${agent.keychainItem}\`): a launch copies it into the container (\`security find-generic-password -w\`; macOS may ask), where a token refresh cannot reach the Keychain`,
      remedy: tokenRemedy,
      facts,
    };
  }
  if (shellTokens.length > 0) {
    return {
      name,
      status: 'warn',
      detail: `${agent.displayName}: ${shellTokens.join(', ')} is set in this shell, but containers get tokens only from the secrets file`,
      remedy: `put ${shellTokens[0]}=<token> in ${secrets.file} (mode 600)`,
      facts,
    };
  }
  const looked = locations.filter((l) => l.credentialFiles.length > 0).map((l) => l.hostPath);
  return {
    name,
    status: 'warn',
    detail: `${agent.displayName}: no login at ${looked.join(', ')} and no ${agent.tokenEnv.join(' / ')} in the secrets file`,
    remedy: `log in with \`${agent.binary}\` on this host, or ${tokenRemedy}`,
    facts,
  };
}
