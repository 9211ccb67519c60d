import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configDir, type HostFacts } from '../../config/paths.js';
import { packagePath } from '../../util/package-root.js';

/** The package's templates/ folder (from src/ in tests and from dist/ when installed). */
export const TEMPLATES_DIR = packagePath('templates');

/** What `init` puts in the config folder; secrets never readable by others. */
export const INIT_FILES: ReadonlyArray<{ file: string; mode: number }> = [
  { file: 'config.toml', mode: 0o644 },
  { file: 'secrets.env', mode: 0o600 },
  { file: 'aliases.sh', mode: 0o644 },
  { file: 'aliases.ps1', mode: 0o644 },
  // Loaded by the aliases (tab completion without starting a process at shell start).
  { file: 'completion.bash', mode: 0o644 },
  { file: 'completion.zsh', mode: 0o644 },
  { file: 'completion.ps1', mode: 0o644 },
];

export interface InitFile {
  file: string;
  path: string;
  status: 'created' | 'exists' | 'no-template';
}

export interface InitResult {
  configDir: string;
  files: InitFile[];
}

/** Copies each template that is not there yet; an existing file is never touched. */
export async function initConfig(
  host: HostFacts,
  options: { templatesDir?: string } = {},
): Promise<InitResult> {
  const dir = configDir(host);
  const templates = options.templatesDir ?? TEMPLATES_DIR;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: InitFile[] = [];
  for (const { file, mode } of INIT_FILES) {
    const target = path.join(dir, file);
    const status = await copyNew(path.join(templates, file), target, mode);
    files.push({ file, path: target, status });
  }
  return { configDir: dir, files };
}

async function copyNew(source: string, target: string, mode: number): Promise<InitFile['status']> {
  const text = await readFile(source).catch(() => undefined);
  if (text === undefined) return (await stat(target).catch(() => undefined)) ? 'exists' : 'no-template';
  try {
    // `wx`: create-or-fail in one step, born with its final mode (secrets are never world-readable).
    await writeFile(target, text, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  }
  await chmod(target, mode);
  return 'created';
}
