import { defaultSecretsFile } from '../../config/paths.js';
import { parseSecretsFile, secretsFileProblems } from '../../config/secrets-file.js';
import { messageOf } from '../../errors.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

export interface SecretsFileFacts {
  file: string;
  /** Names set in the file (never the values); empty when the file is missing or unreadable. */
  keys: string[];
  check: DoctorCheck;
}

/** Names set to a non-empty value, first occurrence order; never the values. */
export function secretKeys(text: string): string[] {
  const keys: string[] = [];
  for (const { key, value } of parseSecretsFile(text)) {
    if (value !== '' && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** The secrets file: present, a file, and (on Unix) closed to group and others. */
export async function checkSecretsFile(deps: DoctorDeps): Promise<SecretsFileFacts> {
  const file = deps.secretsFile ?? defaultSecretsFile(deps.host);
  const given = deps.secretsFile !== undefined;
  const name = 'secrets-file';
  const probe = await deps.stat(file);
  if (!probe) {
    return {
      file,
      keys: [],
      check: {
        name,
        status: given ? 'fail' : 'warn',
        detail: `no secrets file at ${file}`,
        remedy: `create it with mode 600 and KEY=VALUE lines for long-lived tokens (e.g. CLAUDE_CODE_OAUTH_TOKEN from \`claude setup-token\`)`,
        facts: { file, present: false },
      },
    };
  }
  if (probe.kind !== 'file') {
    return {
      file,
      keys: [],
      check: {
        name,
        status: 'fail',
        detail: `${file} is not a regular file`,
        remedy: `replace it with a file of KEY=VALUE lines (mode 600)`,
        facts: { file, present: true },
      },
    };
  }
  let keys: string[];
  let problems: ReturnType<typeof secretsFileProblems>;
  try {
    const text = await deps.readFile(file);
    keys = secretKeys(text);
    problems = secretsFileProblems(text);
  } catch (error) {
    return {
      file,
      keys: [],
      check: {
        name,
        status: 'fail',
        detail: `cannot read ${file}: ${messageOf(error)}`,
        remedy: `make it readable by you only: chmod 600 ${file}`,
        facts: { file, present: true },
      },
    };
  }
  const facts = { file, present: true, mode: octal(probe.mode), keys };
  const listed = keys.length === 0 ? 'no keys' : `keys ${keys.join(', ')}`;
  // Windows has no Unix mode bits; its ACLs are the user's profile's.
  if (deps.host.platform !== 'win32' && (probe.mode & 0o077) !== 0) {
    return {
      file,
      keys,
      check: {
        name,
        status: 'fail',
        detail: `${file} is open to group/others (mode ${octal(probe.mode)}); it holds tokens`,
        remedy: `chmod 600 ${file}`,
        facts,
      },
    };
  }
  const mode = deps.host.platform === 'win32' ? '' : `mode ${octal(probe.mode)}, `;
  if (problems.length > 0) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return {
      file,
      keys,
      check: {
        name,
        status: 'warn',
        detail: `${file}:${first!.line}: ${first!.message}${more}; containers skip such lines`,
        remedy: 'write each line as KEY=VALUE or export KEY="VALUE" (blank lines and # comments are fine)',
        facts: { ...facts, problems: problems.map((p) => `${p.line}: ${p.message}`) },
      },
    };
  }
  return { file, keys, check: { name, status: 'ok', detail: `${file} (${mode}${listed})`, facts } };
}
