import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarFs from 'tar-fs';
import tarStream from 'tar-stream';
import type { Engine } from '../../docker/engine.js';
import { LaunchError, messageOf } from '../../errors.js';
import { WORKSPACE_DIR } from './vscode.js';

export type CopyPlan =
  | { direction: 'from-container'; name: string; containerPath: string; hostPath: string }
  | { direction: 'to-container'; name: string; containerPath: string; hostPath: string };

/** `NAME:PATH` (a name of 2+ characters, so `C:\x` stays a Windows host path). */
const CONTAINER_REF = /^([A-Za-z0-9][A-Za-z0-9_.-]+):(.*)$/;

/** Relative container paths are relative to /workspace, where the repo is. */
export function containerPathOf(raw: string): string {
  if (raw === '') return WORKSPACE_DIR;
  const full = raw.startsWith('/') ? path.posix.normalize(raw) : path.posix.join(WORKSPACE_DIR, raw);
  return full.length > 1 ? full.replace(/\/+$/, '') : full;
}

export function parseCopyArgs(source: string, target: string): CopyPlan {
  const from = CONTAINER_REF.exec(source);
  const to = CONTAINER_REF.exec(target);
  if (Boolean(from) === Boolean(to)) {
    throw new LaunchError(
      'USAGE',
      `exactly one of the two paths must be NAME:PATH, got \`${source}\` and \`${target}\``,
      {
        hint: 'launch-agent cp NAME:src/file.ts ./file.ts  or  launch-agent cp ./notes.md NAME:notes.md',
      },
    );
  }
  if (from) {
    return {
      direction: 'from-container',
      name: from[1]!,
      containerPath: containerPathOf(from[2]!),
      hostPath: target,
    };
  }
  return {
    direction: 'to-container',
    name: to![1]!,
    containerPath: containerPathOf(to![2]!),
    hostPath: source,
  };
}

/**
 * Container -> host, like `docker cp`: into HOSTPATH when it is a directory, else as HOSTPATH.
 * Files land owned by the host user (no chown to the container's UID).
 */
export async function copyFromContainer(
  engine: Engine,
  id: string,
  containerPath: string,
  hostPath: string,
): Promise<void> {
  const hostDir = await isDirectory(hostPath);
  const trailingSlash = /[\\/]$/.test(hostPath);
  if (!hostDir && trailingSlash) await mkdir(hostPath, { recursive: true });
  const into = hostDir || trailingSlash;
  const parent = into ? hostPath : path.dirname(path.resolve(hostPath));
  if (!into && !(await isDirectory(parent))) {
    throw new LaunchError('FILE_NOT_FOUND', `the host folder ${parent} does not exist`, {
      hint: 'create it first',
    });
  }
  const sourceBase = path.posix.basename(containerPath);
  const targetBase = path.basename(hostPath);
  const archive = await engine.getArchive(id, containerPath).catch((error: unknown) => {
    throw new LaunchError(
      'FILE_NOT_FOUND',
      `cannot read ${containerPath} in the container: ${messageOf(error)}`,
      {
        hint: 'relative paths start at /workspace; `launch-agent exec NAME -- ls` shows what is there',
      },
    );
  });
  // `chown` is tar-fs 3's option (missing from @types/tar-fs 2).
  const extractOptions: tarFs.ExtractOptions & { chown?: boolean } = {
    chown: false,
    map: (header) => {
      if (!into) header.name = renameTop(header.name, sourceBase, targetBase);
      return header;
    },
  };
  const extract = tarFs.extract(parent, extractOptions);
  await pipeline(archive, extract);
}

/**
 * Host -> container: into CONTAINER_PATH when it is an existing directory there, else as that
 * path. Entries are owned by the container's user so the agent can edit them.
 */
export async function copyToContainer(
  engine: Engine,
  id: string,
  hostPath: string,
  containerPath: string,
  owner: { uid: number; gid: number },
): Promise<void> {
  const source = path.resolve(hostPath);
  if (!(await stat(source).catch(() => undefined))) {
    throw new LaunchError('FILE_NOT_FOUND', `no such file or folder on the host: ${hostPath}`);
  }
  const into = await isContainerDirectory(engine, id, containerPath);
  const targetDir = into ? containerPath : path.posix.dirname(containerPath);
  const targetBase = into ? path.basename(source) : path.posix.basename(containerPath);
  const pack = tarFs.pack(path.dirname(source), {
    entries: [path.basename(source)],
    map: (header) => {
      header.name = renameTop(header.name.split(path.sep).join('/'), path.basename(source), targetBase);
      header.uid = owner.uid;
      header.gid = owner.gid;
      return header;
    },
  });
  await engine.putArchive(id, targetDir, pack as unknown as Readable);
}

/** `uid:gid` of the container's Config.User; the agent user (1000) when it is a name. */
export function ownerOf(user: string): { uid: number; gid: number } {
  const [uid, gid] = user.split(':').map(Number);
  const valid = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0;
  const u = valid(uid) ? uid : 1000;
  return { uid: u, gid: valid(gid) ? gid : u };
}

function renameTop(name: string, from: string, to: string): string {
  if (name === from || name === `${from}/`) return name.replace(from, to);
  if (name.startsWith(`${from}/`)) return to + name.slice(from.length);
  return name;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** The archive of a path starts with its own entry: a directory header says it is one. */
async function isContainerDirectory(engine: Engine, id: string, containerPath: string): Promise<boolean> {
  let archive: Readable;
  try {
    archive = await engine.getArchive(id, containerPath);
  } catch {
    return false; // does not exist (yet): copy as that path
  }
  const extract = tarStream.extract();
  return new Promise<boolean>((resolve) => {
    let answered = false;
    const answer = (dir: boolean) => {
      if (answered) return;
      answered = true;
      resolve(dir);
      archive.destroy();
      extract.destroy();
    };
    extract.on('entry', (header) => answer(header.type === 'directory'));
    extract.on('error', () => answer(false));
    extract.on('finish', () => answer(false));
    archive.on('error', () => answer(false));
    archive.pipe(extract);
  });
}
