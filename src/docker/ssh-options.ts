import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { ConnectConfig } from 'ssh2';
import { LaunchError } from '../errors.js';
import type { EngineEndpoint } from './connect.js';
import { checkHostKey, type HostKeyVerdict, knownHostsName } from './known-hosts.js';

const KNOWN_HOSTS = () => [path.join(os.homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];

/**
 * What `ssh` would do for the docker CLI: the local user by default, the agent and the default
 * keys, and the host key checked against known_hosts (ssh2 alone would accept any server).
 */
export function sshConnectOptions(
  endpoint: EngineEndpoint,
  onHostKey: (verdict: HostKeyVerdict) => void,
): { username: string; sshOptions: ConnectConfig } {
  const agent = process.env.SSH_AUTH_SOCK;
  const privateKey = defaultSshKey();
  return {
    username: endpoint.username ?? os.userInfo().username,
    sshOptions: {
      ...(agent ? { agent } : {}),
      ...(privateKey ? { privateKey } : {}),
      hostVerifier: (key: Buffer) => {
        const texts = KNOWN_HOSTS().map((file) => readOrEmpty(file));
        const verdict = checkHostKey(texts, endpoint.host!, endpoint.port!, key);
        onHostKey(verdict);
        return verdict === 'known';
      },
    },
  };
}

/** Why the connection was refused, when it was the host key. */
export function hostKeyError(endpoint: EngineEndpoint, verdict: HostKeyVerdict, cause: unknown): LaunchError {
  const name = knownHostsName(endpoint.host!, endpoint.port!);
  const login = `ssh${endpoint.port === 22 ? '' : ` -p ${endpoint.port}`} ${endpoint.username ? `${endpoint.username}@` : ''}${endpoint.host}`;
  const details = { endpoint: endpoint.url, source: endpoint.source, hostKey: verdict };
  if (verdict === 'unknown') {
    return new LaunchError('ENGINE_UNREACHABLE', `the ssh host key of ${name} is not in ~/.ssh/known_hosts`, {
      hint: `connect once with \`${login}\`, check and accept the key, then retry`,
      cause,
      details,
    });
  }
  return new LaunchError(
    'ENGINE_UNREACHABLE',
    verdict === 'revoked'
      ? `the ssh host key of ${name} is revoked in known_hosts`
      : `the ssh host key of ${name} does not match ~/.ssh/known_hosts: the connection may be intercepted`,
    {
      hint: `if the host was really reinstalled, remove its old key with \`ssh-keygen -R '${name}'\` and connect once with \`${login}\``,
      cause,
      details,
    },
  );
}

/** The first default key `ssh` would try that needs no passphrase (an encrypted one needs the agent). */
function defaultSshKey(): Buffer | undefined {
  // Loaded only for ssh endpoints: lazy-modules.ts keeps ssh2 off every other command.
  const { utils } = createRequire(import.meta.url)('ssh2') as typeof import('ssh2');
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    let key: Buffer;
    try {
      key = readFileSync(path.join(os.homedir(), '.ssh', name));
    } catch {
      continue;
    }
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
  return undefined;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
