import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pruneImages } from '../../../src/core/images/prune.js';
import { ensureImages, imageStatus } from '../../../src/core/images.js';
import type { BuildOptions, Engine, ImageDetails } from '../../../src/docker/engine.js';

/** Just enough engine for the layer logic: images in a map, builds recorded, no I/O. */
function memoryEngine(baseImage: string) {
  const images = new Map<string, ImageDetails>();
  const builds: BuildOptions[] = [];
  const inUse = new Set<string>();
  let next = 0;
  const add = (ref: string, labels: Record<string, string> = {}) => {
    const id = `sha256:${String(++next).padStart(4, '0')}`;
    const image = { id, tags: [ref], created: new Date(0).toISOString(), size: 1, labels };
    images.set(id, image);
    images.set(ref, image);
    return id;
  };
  add(baseImage);
  const engine = {
    inspectImage: async (ref: string) => images.get(ref),
    pullImage: async (ref: string) => {
      throw new Error(`no registry for ${ref}`);
    },
    buildImage: async (context: Readable, options: BuildOptions) => {
      context.resume();
      builds.push(options);
      return add(options.tag, options.labels);
    },
    tagImage: async (id: string, repo: string, tag: string) => {
      const image = images.get(id);
      if (!image) return;
      const ref = `${repo}:${tag}`;
      const previous = images.get(ref);
      if (previous) previous.tags = previous.tags.filter((t) => t !== ref);
      image.tags.push(ref);
      images.set(ref, image);
    },
    listImages: async (labels: Record<string, string>) =>
      [...new Set(images.values())].filter((i) =>
        Object.entries(labels).every(([k, v]) => i.labels[k] === v),
      ),
    removeImage: async (ref: string) => {
      const image = images.get(ref);
      if (!image) return;
      if (inUse.has(ref)) throw new Error(`conflict: ${ref} is used by a container`);
      image.tags = image.tags.filter((t) => t !== ref);
      images.delete(ref);
    },
  } as unknown as Engine;
  return { engine, builds, images, inUse };
}

const base = 'test/base:1';
const host = {
  env: { LAUNCH_AGENT_CONFIG_DIR: '/nonexistent-launch-agent-config' },
  platform: 'linux' as const,
  homedir: '/nonexistent',
};
const resolveVersions = async (_pkg: string, spec: string) => (spec === 'latest' ? '1.0.0' : spec);
let locks = 0;
const buildLock = async () => {
  locks++;
  return async () => {};
};
const options = { baseImage: base, host, resolveVersions, buildLock };

describe('ensureImages', () => {
  it('builds base, agents, then each agent FROM agents, and returns the agent image', async () => {
    const { engine, builds } = memoryEngine(base);
    const result = await ensureImages(engine, { ...options, agent: 'codex' });
    expect(result.images.map((i) => [i.name, i.built])).toEqual([
      ['base', true],
      ['agents', true],
      ['codex', true],
    ]);
    const [baseBuild, agentsBuild, codexBuild] = builds;
    expect(baseBuild?.buildArgs?.BASE_IMAGE).toBe(base);
    expect(agentsBuild?.buildArgs?.BASE).toBe(result.images[0]?.ref);
    expect(agentsBuild?.buildArgs?.CODEX_VERSION).toBe('1.0.0');
    expect(agentsBuild?.labels?.['dev.launch-agent.agent-version.codex']).toBe('1.0.0');
    expect(codexBuild?.buildArgs?.AGENTS).toBe(result.images[1]?.ref);
    expect(result.agentImage).toBe(result.images[2]?.ref);
    expect(result.agentImage).toMatch(/^launch-agent\/codex:[0-9a-f]{12}$/);
  });

  it('gives an agent the same image whether built alone or with all, and rebuilds nothing after', async () => {
    const { engine, builds } = memoryEngine(base);
    const all = await ensureImages(engine, { ...options, all: true });
    for (const image of all.images.slice(2).filter((i) => i.name !== 'proxy')) {
      expect(builds.find((b) => b.tag === image.ref)?.buildArgs?.AGENTS).toBe(all.images[1]?.ref);
    }
    // The egress proxy is built on the base image itself, beside the chain.
    const proxy = all.images.find((i) => i.name === 'proxy');
    expect(builds.find((b) => b.tag === proxy?.ref)?.buildArgs?.BASE_IMAGE).toBe(options.baseImage);
    expect(all.proxyImage).toBe(proxy?.ref);
    const count = builds.length;
    const alone = await ensureImages(engine, { ...options, agent: 'gemini' });
    expect(alone.built).toBe(0);
    expect(alone.agentImage).toBe(all.images.find((i) => i.name === 'gemini')?.ref);
    expect(builds.length).toBe(count);
  });

  it('rebuilds the whole chain with noCache, and a new base image id changes every tag', async () => {
    const { engine, builds, images } = memoryEngine(base);
    const first = await ensureImages(engine, { ...options, agent: 'claude' });
    await ensureImages(engine, { ...options, agent: 'claude', noCache: true });
    expect(builds.slice(3).every((b) => b.noCache)).toBe(true);
    expect(builds).toHaveLength(6);
    images.set(base, { id: 'sha256:new-base', tags: [base], created: '', size: 1, labels: {} });
    const moved = await ensureImages(engine, { ...options, agent: 'claude' });
    expect(moved.built).toBe(3);
    for (const [i, image] of moved.images.entries()) expect(image.hash).not.toBe(first.images[i]?.hash);
  });

  it('asks for the requested agent versions only when the agents layer is built', async () => {
    const { engine, builds } = memoryEngine(base);
    const asked: string[] = [];
    const resolve = async (pkg: string, spec: string) => {
      asked.push(`${pkg}@${spec}`);
      return '2.0.0';
    };
    await ensureImages(engine, {
      ...options,
      agent: 'claude',
      versions: { claude: 'next' },
      resolveVersions: resolve,
    });
    expect(asked).toContain('@anthropic-ai/claude-code@next');
    expect(builds[1]?.buildArgs?.CLAUDE_CODE_VERSION).toBe('2.0.0');
    asked.length = 0;
    await ensureImages(engine, {
      ...options,
      agent: 'claude',
      versions: { claude: 'next' },
      resolveVersions: resolve,
    });
    expect(asked).toEqual([]);
  });

  it('takes the build lock once when something is built, and not at all when up to date', async () => {
    const { engine } = memoryEngine(base);
    locks = 0;
    await ensureImages(engine, { ...options, agent: 'claude' });
    expect(locks).toBe(1);
    await ensureImages(engine, { ...options, agent: 'claude' });
    expect(locks).toBe(1);
  });

  it('fails with IMAGE_MISSING when the base image is absent and cannot be pulled', async () => {
    const { engine } = memoryEngine('other/base:1');
    await expect(ensureImages(engine, options)).rejects.toMatchObject({ code: 'IMAGE_MISSING' });
  });
});

describe('imageStatus', () => {
  it('says missing, then current, then stale when an input changes', async () => {
    const { engine, images } = memoryEngine(base);
    const before = await imageStatus(engine, options);
    expect(new Set(before.images.map((i) => i.state))).toEqual(new Set(['missing']));
    await ensureImages(engine, { ...options, all: true });
    const after = await imageStatus(engine, options);
    expect(after.images.map((i) => i.state)).toEqual(after.images.map(() => 'current'));
    expect(after.images[1]?.agentVersions).toEqual({
      claude: '1.0.0',
      codex: '1.0.0',
      copilot: '1.0.0',
      gemini: '1.0.0',
    });
    images.set(base, { id: 'sha256:moved', tags: [base], created: '', size: 1, labels: {} });
    const moved = await imageStatus(engine, options);
    expect(moved.images.map((i) => i.state)).toEqual(moved.images.map(() => 'stale'));
  });
});

describe('pruneImages', () => {
  it('lists superseded tags, children first, keeps latest and current, and reports what the engine refuses', async () => {
    const { engine, images, inUse } = memoryEngine(base);
    const old = await ensureImages(engine, { ...options, agent: 'claude' });
    images.set(base, { id: 'sha256:moved', tags: [base], created: '', size: 1, labels: {} });
    const current = await ensureImages(engine, { ...options, agent: 'claude' });
    // codex and the rest were never built; an image of another repo is never touched.
    const listed = await pruneImages(engine, options);
    expect(listed.removed).toBe(false);
    expect(listed.removable.map((i) => i.ref)).toEqual([
      old.images[2]?.ref,
      old.images[1]?.ref,
      old.images[0]?.ref,
    ]);

    inUse.add(old.images[2]!.ref);
    const pruned = await pruneImages(engine, { ...options, yes: true });
    expect(pruned.removable.map((i) => i.ref)).toEqual([old.images[1]?.ref, old.images[0]?.ref]);
    expect(pruned.kept).toEqual([{ ref: old.images[2]?.ref, reason: expect.stringContaining('conflict') }]);
    for (const image of current.images) expect(await engine.inspectImage(image.ref)).toBeDefined();
    expect(await engine.inspectImage(old.images[1]!.ref)).toBeUndefined();
  });
});
