import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Engine } from '../docker/engine.js';

/** Reads one regular file out of a container (created or running) through the archive API. */
export async function readContainerFile(engine: Engine, id: string, file: string): Promise<string> {
  const archive = await engine.getArchive(id, file);
  return firstFileOf(archive);
}

function firstFileOf(archive: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let found: string | undefined;
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (found === undefined && header.type === 'file') found = Buffer.concat(chunks).toString('utf8');
        next();
      });
      stream.resume();
    });
    extract.on('finish', () =>
      found === undefined ? reject(new Error('no file in archive')) : resolve(found),
    );
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract);
  });
}
