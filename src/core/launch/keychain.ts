import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentDescriptor, AuthLocation } from '../../agents/types.js';
import { cacheDir, type HostFacts } from '../../config/paths.js';

/** Runs a host program to completion (never rejects for a non-zero exit). */
export type ProgramRunner = (
  file: string,
  args: string[],
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** A login read from the macOS Keychain, to be written into the container's home (mode 0600). */
export interface KeychainLogin {
  item: string;
  /** Where the login file would be, relative to the agent's home: `.claude/.credentials.json`. */
  homePath: string;
  text: string;
}

export type KeychainOutcome =
  | { login: KeychainLogin; warning?: undefined }
  | { login?: undefined; warning?: string };

/** `security` says 44 when no keychain holds the item. */
const NOT_FOUND = 44;

/**
 * On macOS, Claude Code keeps its login in the Keychain, not in `~/.claude/.credentials.json`.
 * When the agent names a Keychain item, the launch may use the host's logins (`--auth` is not
 * `none`) and the credential file does not exist, this runs
 * `security find-generic-password -s <item> -w` (macOS may ask the user to allow it) and returns
 * the secret as the credential file's text. The launch writes it into the container's home
 * through the engine API, like the other home files: never into an image, env or inspect.
 */
export async function readKeychainLogin(input: {
  agent: AgentDescriptor;
  host: HostFacts;
  auth: 'ro' | 'rw' | 'none';
  /** The agent's auth locations that exist on the host. */
  found: AuthLocation[];
  run: ProgramRunner;
}): Promise<KeychainOutcome> {
  const { agent, host } = input;
  const item = agent.keychainItem;
  if (host.platform !== 'darwin' || !item || input.auth === 'none') return {};
  const credential = agent
    .authLocations(host)
    .find((location) => location.kind === 'file' && location.credentialFiles.length > 0);
  if (!credential || input.found.some((location) => location.hostPath === credential.hostPath)) return {};
  const result = await input
    .run('security', ['find-generic-password', '-s', item, '-w'])
    .catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: String(error) }));
  if (result.exitCode === NOT_FOUND) return {};
  const text = result.stdout.trim();
  if (result.exitCode !== 0 || text === '') {
    return {
      warning: `could not read ${agent.displayName}'s login from the macOS Keychain (item \`${item}\`, security exited ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}); the agent will ask you to log in`,
    };
  }
  return { login: { item, homePath: credential.homePath, text: `${text}\n` } };
}

/**
 * The launch's step: the Keychain login, if any, with what the user must know (where it came
 * from; once, that refreshes stay in the container). Undefined when there is nothing to read.
 */
export async function keychainLogin(
  agent: AgentDescriptor,
  options: { auth?: 'ro' | 'rw' | 'none' },
  found: AuthLocation[],
  deps: { host: HostFacts; runProgram?: ProgramRunner },
  say: (message: string) => void,
): Promise<KeychainLogin | undefined> {
  const auth = options.auth ?? 'ro';
  const outcome = await readKeychainLogin({
    agent,
    host: deps.host,
    auth,
    found,
    run: deps.runProgram ?? securityRunner,
  });
  if (outcome.warning) say(outcome.warning);
  if (!outcome.login) return undefined;
  say(
    `${agent.displayName}: login read from the macOS Keychain (item \`${outcome.login.item}\`) into the container's ~/${outcome.login.homePath} (mode 600)`,
  );
  const note = await keychainRefreshNote(agent, deps.host, auth);
  if (note) say(note);
  return outcome.login;
}

/** The Keychain secret through execa (loaded only on macOS launches that need it). */
export const securityRunner: ProgramRunner = async (file, args) => {
  const { execa } = await import('execa');
  const result = await execa(file, args, { reject: false, timeout: 60_000, stdin: 'inherit' });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
};

/**
 * Said once per user (a marker file in the cache dir): a refresh inside the container stays
 * there, so the host's Keychain login and the container's copy part ways.
 */
export async function keychainRefreshNote(
  agent: AgentDescriptor,
  host: HostFacts,
  auth: 'ro' | 'rw' | 'none',
): Promise<string | undefined> {
  const marker = path.join(cacheDir(host), 'notes', `keychain-refresh-${agent.name}`);
  const seen = await stat(marker).then(
    () => true,
    () => false,
  );
  if (seen && auth !== 'rw') return undefined;
  await mkdir(path.dirname(marker), { recursive: true }).catch(() => undefined);
  await writeFile(marker, '').catch(() => undefined);
  const token = agent.longLivedToken
    ? ` For long sessions, ${agent.longLivedToken.how} and put ${agent.longLivedToken.env}=<token> in the secrets file.`
    : '';
  return `${agent.displayName}'s login comes from the macOS Keychain as a copy: a token refresh inside the container cannot write back to the Keychain${auth === 'rw' ? ' (--auth rw cannot either)' : ''}, and a refresh may log the host out.${token}`;
}
