import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentName } from '../../src/agents/types.js';
import { ensureImages } from '../../src/core/images.js';
import { resolveEndpoint } from '../../src/docker/connect.js';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { testBaseImage } from '../setup/global-engine.js';

let chain: Promise<Map<string, string>> | undefined;

const systemBundle = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The CA bundle test builds trust: the host's NODE_EXTRA_CA_CERTS, else the system bundle
 * (where a TLS-intercepting proxy's CA lives on such machines), else none.
 */
export function testCaBundle(): string | undefined {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) return extra;
  return existsSync(systemBundle) ? systemBundle : undefined;
}

/**
 * Builds (once; the content hash makes repeats a few inspects) the whole image chain on the
 * test base image, trusting the host CA (NODE_EXTRA_CA_CERTS) so npm is reachable, and returns
 * `launch-agent/<agent>:<hash>`. Call it in beforeAll with a long hook timeout; the first build
 * on a machine takes a few minutes. A lock in the temp dir keeps parallel test processes from
 * building the same layers twice.
 */
export async function ensureTestImages(agent: AgentName = 'claude'): Promise<string> {
  chain ??= buildChain();
  const refs = await chain;
  const ref = refs.get(agent);
  if (!ref) throw new Error(`ensureTestImages: no image for agent ${agent}`);
  return ref;
}

async function buildChain(): Promise<Map<string, string>> {
  const engine = new DockerodeEngine(resolveEndpoint());
  const release = await lock(path.join(os.tmpdir(), 'launch-agent-test-images.lock'));
  try {
    const extraCa = testCaBundle();
    const result = await ensureImages(engine, {
      all: true,
      baseImage: testBaseImage(),
      ...(extraCa ? { caBundle: extraCa } : {}),
      // The developer's own config.toml must not change what the tests build on.
      host: {
        env: {
          ...process.env,
          LAUNCH_AGENT_CONFIG_DIR: path.join(os.tmpdir(), 'launch-agent-test-no-config'),
        },
        platform: process.platform,
        homedir: os.homedir(),
      },
    });
    return new Map(result.images.map((image) => [image.name, image.ref]));
  } finally {
    await release();
  }
}

/** A directory lock holding the owner's pid; a lock whose owner died is taken over. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, 'pid'), String(process.pid));
      return () => rm(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => ''));
    if (owner && !alive(owner)) await rm(dir, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`ensureTestImages: ${dir} stayed locked for 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
