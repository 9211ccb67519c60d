import { readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { hostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import type { DoctorDeps, FileProbe, RunResult } from './types.js';

/** The real host behind DoctorDeps: file system, PATH programs through execa. */
export function hostDoctorDeps(
  engine: () => Promise<Engine>,
  options: { secretsFile?: string } = {},
): DoctorDeps {
  return {
    engine,
    host: hostFacts(),
    stat: probe,
    readFile: (file) => readFile(file, 'utf8'),
    run,
    ...(options.secretsFile === undefined ? {} : { secretsFile: options.secretsFile }),
  };
}

async function probe(file: string): Promise<FileProbe | undefined> {
  try {
    const s = await stat(file);
    return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', mode: s.mode & 0o7777 };
  } catch {
    return undefined;
  }
}

async function run(file: string, args: string[]): Promise<RunResult | undefined> {
  const result = await execa(file, args, { reject: false, timeout: 10_000, stdin: 'ignore' });
  if ((result as { code?: string }).code === 'ENOENT') return undefined;
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
