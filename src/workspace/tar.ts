import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
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
    return { ...extra, name, uid: this.#owner.uid, gid: this.#owner.gid, mtime: new Date() } as tar.Header;
  }

  /** Adds `dir` and its missing parents (mode 0755 unless given). */
  async dir(name: string, mode = 0o755): Promise<void> {
    const clean = name.replace(/\/+$/, '');
    if (clean === '' || this.#dirs.has(clean)) return;
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

  /**
   * Copies one host path as it is: symlinks stay symlinks (never their targets), modes kept,
   * directories walked. Unreadable files are recorded in `stats.skipped`, not fatal.
   */
  async hostPath(
    name: string,
    hostFile: string,
    options: { skip?: (relative: string) => boolean } = {},
  ): Promise<void> {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(hostFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // deleted in the work tree: stays deleted
      this.stats.skipped.push(hostFile);
      return;
    }
    const mode = info.mode & 0o7777;
    if (info.isSymbolicLink()) {
      await this.symlink(name, await readlink(hostFile));
    } else if (info.isDirectory()) {
      await this.dir(name, mode | 0o700);
      let children: string[];
      try {
        children = await readdir(hostFile);
      } catch {
        this.stats.skipped.push(hostFile);
        return;
      }
      for (const child of children.sort()) {
        const childName = `${name}/${child}`;
        if (options.skip?.(childName)) continue;
        await this.hostPath(childName, path.join(hostFile, child), options);
      }
    } else if (info.isFile()) {
      await this.#hostFile(name, hostFile, info.size, mode);
    }
  }

  async #hostFile(name: string, hostFile: string, size: number, mode: number): Promise<void> {
    await this.dir(path.posix.dirname(name));
    // The owner needs to read what it owns, whatever the host mode was.
    const ownedMode = mode | 0o600;
    if (size <= SMALL_FILE) {
      let buffer: Buffer;
      try {
        buffer = await readFile(hostFile);
      } catch {
        this.stats.skipped.push(hostFile);
        return;
      }
      await this.#entry(this.#header(name, { type: 'file', mode: ownedMode, size: buffer.length }), buffer);
      this.#count(buffer.length);
      return;
    }
    let source: ReturnType<typeof createReadStream>;
    try {
      source = createReadStream(hostFile);
      await new Promise<void>((resolve, reject) => {
        source.once('open', () => resolve());
        source.once('error', reject);
      });
    } catch {
      this.stats.skipped.push(hostFile);
      return;
    }
    const entry = this.pack.entry(this.#header(name, { type: 'file', mode: ownedMode, size }));
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
