import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export interface Owner {
  uid: number;
  gid: number;
}

export interface CopyStats {
  files: number;
  bytes: number;
  /** Host files that could not be read (left out, never fatal). */
  skipped: string[];
}

const SMALL_FILE = 256 * 1024;

/**
 * A tar stream whose every entry belongs to `owner`, so the engine extracts files already owned
 * by the agent user (no chown pass, no root step in the container).
 */
export class OwnedTar {
  readonly pack = tar.pack();
  readonly stats: CopyStats = { files: 0, bytes: 0, skipped: [] };
  readonly #owner: Owner;
  readonly #dirs = new Set<string>();
  readonly #onProgress: ((stats: CopyStats) => void) | undefined;
  #lastReport = 0;

  constructor(owner: Owner, onProgress?: (stats: CopyStats) => void) {
    this.#owner = owner;
    this.#onProgress = onProgress;
  }

  #header(name: string, extra: Partial<tar.Header>): tar.Header {
    return { mtime: new Date(), ...extra, name, uid: this.#owner.uid, gid: this.#owner.gid } as tar.Header;
  }

  /** Adds `dir` and its missing parents (mode 0755 unless given). */
  async dir(name: string, mode = 0o755): Promise<void> {
    const clean = name.replace(/\/+$/, '');
    if (clean === '' || clean === '.' || this.#dirs.has(clean)) return;
    const parent = path.posix.dirname(clean);
    if (parent !== '.' && parent !== '/') await this.dir(parent);
    this.#dirs.add(clean);
    await this.#entry(this.#header(`${clean}/`, { type: 'directory', mode }));
  }

  async file(name: string, content: string | Buffer, mode = 0o644): Promise<void> {
    await this.dir(path.posix.dirname(name));
    const buffer = typeof content === 'string' ? Buffer.from(content) : content;
    await this.#entry(this.#header(name, { type: 'file', mode, size: buffer.length }), buffer);
    this.#count(buffer.length);
  }

  async symlink(name: string, target: string): Promise<void> {
    await this.dir(path.posix.dirname(name));
    await this.#entry(this.#header(name, { type: 'symlink', linkname: target, mode: 0o777 }));
    this.#count(0);
  }

  /** Copies one host path as it is (see hostPaths). */
  async hostPath(name: string, hostFile: string, options: HostPathOptions = {}): Promise<void> {
    await this.hostPaths([[name, hostFile]], options);
  }

  /**
   * Copies host paths as they are, in order: symlinks stay symlinks (never their targets), modes
   * kept, directories walked. Unreadable files are recorded in `stats.skipped`, not fatal.
   */
  async hostPaths(
    items: Array<[name: string, hostFile: string]>,
    options: HostPathOptions = {},
  ): Promise<void> {
    for (const [name, hostFile] of items) await this.#emit(load(name, hostFile), options);
  }

  async #emit(loaded: Loaded, options: HostPathOptions): Promise<void> {
    const { name, hostFile } = loaded;
    switch (loaded.kind) {
      case 'gone':
        return; // deleted in the work tree: stays deleted
      case 'unreadable':
        this.stats.skipped.push(hostFile);
        return;
      case 'symlink':
        await this.symlink(name, loaded.target);
        return;
      case 'dir': {
        await this.dir(name, loaded.mode | 0o700);
        const children = loaded.children
          .sort()
          .map((child): [string, string] => [`${name}/${child}`, path.join(hostFile, child)])
          .filter(([childName]) => !options.skip?.(childName));
        await this.hostPaths(children, options);
        return;
      }
      case 'file': {
        await this.dir(path.posix.dirname(name));
        // The owner needs to read what it owns, whatever the host mode was.
        const mode = loaded.mode | 0o600;
        // The host's mtime: with the index's stat data it keeps the copied index fresh.
        const { mtime } = loaded;
        if (loaded.content) {
          await this.#entry(
            this.#header(name, { type: 'file', mode, size: loaded.content.length, mtime }),
            loaded.content,
          );
          this.#count(loaded.content.length);
        } else {
          await this.#bigFile(name, hostFile, loaded.size, mode, mtime);
        }
        return;
      }
      case 'other':
        return; // sockets, fifos, devices: nothing a repo copy needs
    }
  }

  async #bigFile(name: string, hostFile: string, size: number, mode: number, mtime: Date): Promise<void> {
    let source: ReturnType<typeof createReadStream>;
    try {
      source = createReadStream(hostFile, { highWaterMark: 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        source.once('open', () => resolve());
        source.once('error', reject);
      });
    } catch {
      this.stats.skipped.push(hostFile);
      return;
    }
    const entry = this.pack.entry(this.#header(name, { type: 'file', mode, size, mtime }));
    await pipeline(source, entry);
    this.#count(size);
  }

  #entry(header: tar.Header, buffer?: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (buffer) this.pack.entry(header, buffer, done);
      else this.pack.entry(header, done);
    });
  }

  #count(bytes: number): void {
    this.stats.files += 1;
    this.stats.bytes += bytes;
    const now = performance.now();
    if (this.#onProgress && now - this.#lastReport > 100) {
      this.#lastReport = now;
      this.#onProgress(this.stats);
    }
  }

  finish(): void {
    this.pack.finalize();
  }
}

export interface HostPathOptions {
  /** Archive names (children of walked directories) to leave out. */
  skip?: (name: string) => boolean;
}

type Loaded = { name: string; hostFile: string } & (
  | { kind: 'gone' | 'unreadable' | 'other' }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir'; mode: number; children: string[] }
  | { kind: 'file'; mode: number; size: number; mtime: Date; content?: Buffer }
);

/**
 * Synchronous on purpose: the files were just listed by git, so they are in the page cache, and
 * four thread-pool round trips per small file (lstat, open, read, close) cost more than the read.
 */
function load(name: string, hostFile: string): Loaded {
  const at = { name, hostFile };
  try {
    const info = lstatSync(hostFile);
    const mode = info.mode & 0o7777;
    if (info.isSymbolicLink()) return { ...at, kind: 'symlink', target: readlinkSync(hostFile) };
    if (info.isDirectory()) return { ...at, kind: 'dir', mode, children: readdirSync(hostFile) };
    if (!info.isFile()) return { ...at, kind: 'other' };
    const file = { ...at, kind: 'file' as const, mode, size: info.size, mtime: info.mtime };
    if (info.size > SMALL_FILE) return file;
    return { ...file, content: readFileSync(hostFile) };
  } catch (error) {
    return { ...at, kind: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable' };
  }
}
