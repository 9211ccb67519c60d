import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import http from 'node:http';

/**
 * The Podman engines the `podman` project runs against, from the environment .ci/run sets up
 * (`.ci/start-podman.sh`): `LAUNCH_AGENT_TEST_PODMAN_ROOTFUL` / `_ROOTLESS` = `unix://<socket>`.
 */
export interface PodmanEngine {
  kind: 'rootful' | 'rootless';
  dockerHost: string;
  socket: string;
  /** Who runs the service: a rootless engine maps this uid (keep-id), so fixtures belong to it. */
  uid: number;
  gid: number;
}

export function podmanEngines(env: NodeJS.ProcessEnv = process.env): PodmanEngine[] {
  const engines: PodmanEngine[] = [];
  for (const kind of ['rootful', 'rootless'] as const) {
    const dockerHost = env[`LAUNCH_AGENT_TEST_PODMAN_${kind.toUpperCase()}`];
    if (!dockerHost) continue;
    const socket = dockerHost.replace(/^unix:\/\//, '');
    const { uid, gid } = statSync(socket);
    engines.push({ kind, dockerHost, socket, uid, gid });
  }
  return engines;
}

/** One request to the engine's Docker-compatible API; JSON in and out. */
export function podmanApi<T = unknown>(
  engine: PodmanEngine,
  method: string,
  path: string,
  body?: NodeJS.ReadableStream,
): Promise<{ status: number; json: T }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: engine.socket,
        method,
        path: `/v1.41${path}`,
        headers: body ? { 'Content-Type': 'application/x-tar' } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json: json as T });
        });
      },
    );
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

async function imageId(engine: PodmanEngine, ref: string): Promise<string | undefined> {
  const { status, json } = await podmanApi<{ Id: string }>(engine, 'GET', `/images/${ref}/json`);
  return status === 200 ? json.Id.replace(/^sha256:/, '') : undefined;
}

/**
 * Puts the Docker engine's images into Podman (`docker save | POST /images/load`), only those it
 * lacks or holds at another id: Podman keeps the image ids, so launch-agent's content-hash tags
 * mean the same on both engines and nothing is rebuilt.
 */
export async function loadIntoPodman(engine: PodmanEngine, refs: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ref of refs) {
    const want = (await dockerImageId(ref)).replace(/^sha256:/, '');
    if ((await imageId(engine, ref)) !== want) missing.push(ref);
  }
  if (missing.length === 0) return [];
  const save = spawn('docker', ['save', ...missing], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  save.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const saved = new Promise<number | null>((resolve) => save.on('close', resolve));
  const loaded = await podmanApi(engine, 'POST', '/images/load?quiet=1', save.stdout);
  const code = await saved;
  if (code !== 0) throw new Error(`docker save ${missing.join(' ')} failed: ${stderr}`);
  if (loaded.status !== 200) throw new Error(`podman load: ${loaded.status} ${JSON.stringify(loaded.json)}`);
  for (const ref of missing) {
    if (!(await imageId(engine, ref))) throw new Error(`podman load left out ${ref}`);
  }
  return missing;
}

function dockerImageId(ref: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`no image ${ref}`))));
  });
}
