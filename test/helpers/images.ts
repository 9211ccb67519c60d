import { existsSync } from 'node:fs';
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
 * on a machine takes a few minutes. The core's per-user build lock keeps parallel test
 * processes from building the same layers twice.
 */
export async function ensureTestImages(agent: AgentName = 'claude'): Promise<string> {
  chain ??= buildChain();
  const refs = await chain;
  const ref = refs.get(agent);
  if (!ref) throw new Error(`ensureTestImages: no image for agent ${agent}`);
  return ref;
}

/**
 * What a launch of `agent` inspects: the test base image and the chain's refs (base, agents,
 * the agent), e.g. to load them into another engine.
 */
export async function testImageChain(agent: AgentName = 'claude'): Promise<string[]> {
  await ensureTestImages(agent);
  const refs = await chain!;
  return [testBaseImage(), ...['base', 'agents', agent].map((name) => refs.get(name)!)];
}

async function buildChain(): Promise<Map<string, string>> {
  const engine = new DockerodeEngine(resolveEndpoint());
  const extraCa = testCaBundle();
  const result = await ensureImages(engine, {
    all: true,
    baseImage: testBaseImage(),
    ...(extraCa ? { caBundle: extraCa } : {}),
    // The developer's own config.toml must not change what the tests build on.
    host: {
      env: { ...process.env, LAUNCH_AGENT_CONFIG_DIR: path.join(os.tmpdir(), 'launch-agent-test-no-config') },
      platform: process.platform,
      homedir: os.homedir(),
    },
  });
  return new Map(result.images.map((image) => [image.name, image.ref]));
}
