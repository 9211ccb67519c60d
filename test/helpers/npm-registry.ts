import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the npm registry that answers package documents (what `npm view` reads)
 * from a map the test changes: `latest` and the published versions of each package.
 */
export class FakeNpmRegistry {
  readonly versions = new Map<string, string[]>();
  readonly requests: string[] = [];
  #server: Server | undefined;

  publish(name: string, version: string): void {
    this.versions.set(name, [...(this.versions.get(name) ?? []), version]);
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0] ?? '');
      this.requests.push(path);
      // `<name>` is the package document (`npm view`), `<name>/latest` the dist-tag's version.
      const latestOnly = path.endsWith('/latest');
      const name = latestOnly ? path.slice(0, -'/latest'.length) : path;
      const versions = this.versions.get(name);
      if (!versions) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
        return;
      }
      if (latestOnly) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ name, version: versions.at(-1) }));
        return;
      }
      const doc = {
        _id: name,
        name,
        'dist-tags': { latest: versions.at(-1) },
        versions: Object.fromEntries(
          versions.map((version) => [
            version,
            {
              name,
              version,
              dist: { tarball: `http://127.0.0.1/${name}/-/${version}.tgz`, shasum: '0'.repeat(40) },
            },
          ]),
        ),
        time: Object.fromEntries(versions.map((version) => [version, new Date(0).toISOString()])),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
