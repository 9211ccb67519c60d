import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { AgentName } from '../../agents/types.js';
import { LaunchError } from '../../errors.js';
import { type LayerSpec, versionArgs } from './layers.js';

export interface ContextFile {
  /** POSIX path inside the build context. */
  path: string;
  /** 0o644 or 0o755: only the executable bit matters to the image. */
  mode: number;
  content: Buffer;
}

export const EXTRA_CA_MARKER = '# @launch-agent:extra-ca';
export const EXTRA_CA_FILE = 'extra-ca.crt';
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * A script (`#!`) is 0755 with LF line ends, anything else 0644 as read: the same on every host,
 * including a Windows checkout that has no exec bits and may have turned LF into CRLF.
 */
export function contextFile(relPath: string, content: Buffer): ContextFile {
  const script = content.subarray(0, 2).toString() === '#!';
  if (!script) return { path: relPath, mode: 0o644, content };
  return {
    path: relPath,
    mode: 0o755,
    content: Buffer.from(content.toString('utf8').replace(/\r\n/g, '\n')),
  };
}

/** Every file under `dir`, sorted by path, so the hash and the tar do not depend on readdir order. */
export async function readContextDir(dir: string): Promise<ContextFile[]> {
  const files: ContextFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(relPath);
      else if (entry.isFile()) {
        files.push(contextFile(relPath, await readFile(path.join(dir, relPath))));
      }
    }
  };
  await walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The base layer's Dockerfile carries a marker line; with a CA bundle it becomes the lines that
 * trust it (system store for apt/curl/git, env for Node/npm and pip), without one the context is
 * untouched, so nothing CA-related reaches the image.
 */
export function withExtraCa(files: ContextFile[], ca: Buffer | undefined): ContextFile[] {
  if (!ca) return files;
  const block = [
    '# Extra CA bundle given to launch-agent (TLS-intercepting proxy): trusted by every later step and by containers.',
    `COPY ${EXTRA_CA_FILE} /usr/local/share/ca-certificates/launch-agent-extra-ca.crt`,
    'RUN if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates >/dev/null 2>&1; fi',
    `ENV NODE_EXTRA_CA_CERTS=${SYSTEM_BUNDLE} \\`,
    `    PIP_CERT=${SYSTEM_BUNDLE} \\`,
    `    REQUESTS_CA_BUNDLE=${SYSTEM_BUNDLE} \\`,
    `    SSL_CERT_FILE=${SYSTEM_BUNDLE}`,
  ].join('\n');
  const out = files.map((file) => {
    if (file.path !== 'Dockerfile') return file;
    const text = file.content.toString('utf8');
    const lines = text.split('\n');
    const marker = lines.findIndex((line) => line.startsWith(EXTRA_CA_MARKER));
    if (marker >= 0) lines[marker] = block;
    else {
      // A Dockerfile without the marker (a fixture, a user's own) trusts the CA from its first FROM on.
      const from = lines.findIndex((line) => /^FROM\s/i.test(line));
      lines.splice(from + 1, 0, block);
    }
    return { ...file, content: Buffer.from(lines.join('\n')) };
  });
  return [...out, { path: EXTRA_CA_FILE, mode: 0o644, content: ca }].sort((a, b) =>
    a.path < b.path ? -1 : 1,
  );
}

/**
 * First 12 hex of sha256 over the context (paths, modes, contents in order), the build
 * arguments (sorted) and the parent image id: equal inputs, equal tag.
 */
export function contentHash(
  files: ContextFile[],
  buildArgs: Record<string, string>,
  parentId: string,
): string {
  const hash = createHash('sha256');
  const field = (value: string | Buffer) => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  for (const file of files) {
    field(file.path);
    field(file.mode.toString(8));
    field(file.content);
  }
  for (const key of Object.keys(buildArgs).sort()) field(`${key}=${buildArgs[key]}`);
  field(parentId);
  return hash.digest('hex').slice(0, 12);
}

/** A tar stream of the context, built from memory (contexts are a few small files). */
export async function tarContext(files: ContextFile[]): Promise<Readable> {
  // Loaded here: only a build needs it, and the up-to-date check must stay fast. `default`, as
  // dist/bundle/ gives a CommonJS package imported this way no named exports (scripts/bundle.js).
  const { default: tarStream } = await import('tar-stream');
  const tar = tarStream.pack();
  for (const file of files) {
    tar.entry({ name: file.path, mode: file.mode, mtime: new Date(0), uid: 0, gid: 0 }, file.content);
  }
  tar.finalize();
  // tar-stream packs are streamx streams: they pipe into the engine request like a Node Readable.
  return tar as unknown as Readable;
}

export interface LayerContext {
  layer: LayerSpec;
  files: ContextFile[];
  /** Build arguments that go into the hash (the parent is hashed by id instead). */
  args: Record<string, string>;
}

/** Each layer's context from `<dir>/<layer>/`, the CA bundle in base's, version specs for agents. */
export async function loadContexts(
  dir: string,
  layers: LayerSpec[],
  caContent: Buffer | undefined,
  versions: Partial<Record<AgentName, string>> | undefined,
): Promise<LayerContext[]> {
  return Promise.all(
    layers.map(async (layer) => {
      let files = await readContextDir(path.join(dir, layer.name)).catch((error: unknown) => {
        throw new LaunchError('FILE_NOT_FOUND', `no build context for ${layer.repo} in ${dir}`, {
          hint: 'reinstall launch-agent: its images/ directory is incomplete',
          cause: error,
        });
      });
      // The proxy's build stage installs from Debian too; its final image has no use for the CA.
      if (layer.name === 'base' || layer.name === 'proxy') files = withExtraCa(files, caContent);
      const args = layer.name === 'agents' ? versionArgs(versions) : {};
      return { layer, files, args };
    }),
  );
}
