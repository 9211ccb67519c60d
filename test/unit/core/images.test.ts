import { describe, expect, it } from 'vitest';
import { agents } from '../../../src/agents/registry.js';
import {
  type ContextFile,
  contentHash,
  contextFile,
  EXTRA_CA_FILE,
  EXTRA_CA_MARKER,
  withExtraCa,
} from '../../../src/core/images/context.js';
import { layerChain, versionArgs } from '../../../src/core/images/layers.js';
import { resolveImageSettings } from '../../../src/core/images/settings.js';
import { pickVersion, resolveAgentVersions } from '../../../src/core/images/versions.js';

const file = (path: string, text: string, mode = 0o644): ContextFile => ({
  path,
  mode,
  content: Buffer.from(text),
});
const dockerfile = `ARG BASE_IMAGE=node:22-bookworm-slim\nFROM \${BASE_IMAGE}\n${EXTRA_CA_MARKER} here\nRUN true\n`;

describe('layerChain', () => {
  it('is base, agents, then every agent and the egress proxy by default and with all', () => {
    const all = ['base', 'agents', ...agents.map((a) => a.name), 'proxy'];
    expect(layerChain({}).map((l) => l.name)).toEqual(all);
    expect(layerChain({ all: true, agent: 'codex' }).map((l) => l.name)).toEqual(all);
  });

  it('is base, agents, that agent for one agent, with repos from the registry', () => {
    const chain = layerChain({ agent: 'gemini' });
    expect(chain.map((l) => [l.name, l.repo, l.parentArg])).toEqual([
      ['base', 'launch-agent/base', 'BASE_IMAGE'],
      ['agents', 'launch-agent/agents', 'BASE'],
      ['gemini', 'launch-agent/gemini', 'AGENTS'],
    ]);
  });

  it('is the proxy alone, on the base image, for an allowlist launch', () => {
    expect(layerChain({ proxyOnly: true, namespace: 'test-ns' })).toEqual([
      { name: 'proxy', repo: 'test-ns/proxy', parentArg: 'BASE_IMAGE' },
    ]);
  });
});

describe('layerChain namespace', () => {
  it('moves every repo into another namespace, for private test chains', () => {
    expect(layerChain({ agent: 'codex', namespace: 'la-test-1' }).map((l) => l.repo)).toEqual([
      'la-test-1/base',
      'la-test-1/agents',
      'la-test-1/codex',
    ]);
  });
});

describe('versionArgs', () => {
  it('names each build argument by the descriptor, latest unless asked', () => {
    expect(versionArgs({ codex: '0.1.2' })).toEqual({
      CLAUDE_CODE_VERSION: 'latest',
      CODEX_VERSION: '0.1.2',
      COPILOT_VERSION: 'latest',
      GEMINI_CLI_VERSION: 'latest',
    });
  });
});

describe('contentHash', () => {
  const files = [file('Dockerfile', 'FROM x\n'), file('run.sh', 'echo hi\n', 0o755)];

  it('is 12 hex and stable for equal inputs', () => {
    const a = contentHash(files, { A: '1', B: '2' }, 'sha256:p');
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(contentHash([...files], { B: '2', A: '1' }, 'sha256:p')).toBe(a);
  });

  it('changes with any file byte, a mode, a path, a build argument or the parent', () => {
    const a = contentHash(files, { A: '1' }, 'sha256:p');
    const variants = [
      contentHash([file('Dockerfile', 'FROM y\n'), files[1]!], { A: '1' }, 'sha256:p'),
      contentHash([files[0]!, file('run.sh', 'echo hi\n', 0o644)], { A: '1' }, 'sha256:p'),
      contentHash([files[0]!, file('run2.sh', 'echo hi\n', 0o755)], { A: '1' }, 'sha256:p'),
      contentHash(files, { A: '2' }, 'sha256:p'),
      contentHash(files, { A: '1' }, 'sha256:q'),
      contentHash([...files, file('extra', '')], { A: '1' }, 'sha256:p'),
    ];
    for (const v of variants) expect(v).not.toBe(a);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('does not confuse where one field ends and the next begins', () => {
    expect(contentHash([file('ab', 'c')], {}, 'p')).not.toBe(contentHash([file('a', 'bc')], {}, 'p'));
  });
});

describe('contextFile', () => {
  it('makes scripts 0755 with LF line ends and leaves other files alone', () => {
    expect(contextFile('run', Buffer.from('#!/bin/sh\r\necho hi\r\n'))).toEqual({
      path: 'run',
      mode: 0o755,
      content: Buffer.from('#!/bin/sh\necho hi\n'),
    });
    const dockerfile = Buffer.from('FROM x\r\n');
    expect(contextFile('Dockerfile', dockerfile)).toEqual({
      path: 'Dockerfile',
      mode: 0o644,
      content: dockerfile,
    });
  });
});

describe('withExtraCa', () => {
  const files = [file('Dockerfile', dockerfile)];

  it('adds nothing without a CA', () => {
    expect(withExtraCa(files, undefined)).toBe(files);
  });

  it('puts the CA in the context and trusts it where the marker is', () => {
    const out = withExtraCa(files, Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    expect(out.map((f) => f.path)).toEqual(['Dockerfile', EXTRA_CA_FILE]);
    const text = out[0]!.content.toString();
    expect(text).not.toContain(EXTRA_CA_MARKER);
    const lines = text.split('\n');
    const from = lines.findIndex((l) => l.startsWith('FROM'));
    const copy = lines.findIndex((l) =>
      l.startsWith(`COPY ${EXTRA_CA_FILE} /usr/local/share/ca-certificates/`),
    );
    const run = lines.indexOf('RUN true');
    expect(from).toBeLessThan(copy);
    expect(copy).toBeLessThan(run);
    expect(text).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt');
    expect(text).toContain('update-ca-certificates');
  });

  it('changes the hash when the CA changes', () => {
    const a = contentHash(withExtraCa(files, Buffer.from('one')), {}, 'p');
    const b = contentHash(withExtraCa(files, Buffer.from('two')), {}, 'p');
    expect(a).not.toBe(b);
    expect(contentHash(files, {}, 'p')).not.toBe(a);
  });

  it('trusts the CA right after the first FROM when the Dockerfile has no marker', () => {
    const out = withExtraCa([file('Dockerfile', 'ARG B\nFROM x\nRUN curl y\n')], Buffer.from('ca'));
    const lines = out[0]!.content.toString().split('\n');
    expect(lines[1]).toBe('FROM x');
    expect(lines[2]).toMatch(/^# Extra CA/);
    expect(lines.indexOf('RUN curl y')).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith('COPY extra-ca.crt')),
    );
  });
});

describe('resolveImageSettings', () => {
  const host = (env: Record<string, string> = {}) => ({
    env,
    platform: 'linux' as const,
    homedir: '/home/u',
  });

  it('takes the base image from option, then env, then config, then the default', () => {
    const config = { base_image: 'cfg:1' };
    const env = { LAUNCH_AGENT_BASE_IMAGE: 'env:1' };
    const base = (input: Partial<Parameters<typeof resolveImageSettings>[0]>) =>
      resolveImageSettings({ config: {}, host: host(), nodeExtraCaReadable: false, ...input }).baseImage;
    expect(base({ baseImage: 'opt:1', config, host: host(env) })).toBe('opt:1');
    expect(base({ config, host: host(env) })).toBe('env:1');
    expect(base({ config })).toBe('cfg:1');
    expect(base({})).toBe('node:22-bookworm-slim');
  });

  it('takes the CA from option, then config (relative to the config dir, ~ expanded), then NODE_EXTRA_CA_CERTS if readable', () => {
    const env = { NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem' };
    const opt = resolveImageSettings({
      caBundle: '/x/ca.pem',
      config: { ca_bundle: 'c.pem' },
      host: host(env),
      nodeExtraCaReadable: true,
    });
    expect([opt.caBundle, opt.caBundleFrom]).toEqual(['/x/ca.pem', 'option']);
    const cfg = resolveImageSettings({
      config: { ca_bundle: 'certs/c.pem' },
      host: host(env),
      nodeExtraCaReadable: true,
    });
    expect([cfg.caBundle, cfg.caBundleFrom]).toEqual(['/home/u/.config/launch-agent/certs/c.pem', 'config']);
    const home = resolveImageSettings({
      config: { ca_bundle: '~/c.pem' },
      host: host(),
      nodeExtraCaReadable: false,
    });
    expect(home.caBundle).toBe('/home/u/c.pem');
    const node = resolveImageSettings({ config: {}, host: host(env), nodeExtraCaReadable: true });
    expect([node.caBundle, node.caBundleFrom]).toEqual(['/etc/ssl/extra.pem', 'NODE_EXTRA_CA_CERTS']);
    const none = resolveImageSettings({ config: {}, host: host(env), nodeExtraCaReadable: false });
    expect(none.caBundle).toBeUndefined();
  });
});

describe('agent versions', () => {
  it('picks the one version npm view prints, or the newest of a range', () => {
    expect(pickVersion('"2.1.0"\n', 'x')).toBe('2.1.0');
    expect(pickVersion('["1.0.0","1.2.0"]', 'x')).toBe('1.2.0');
    expect(() => pickVersion('', 'pkg@9')).toThrow('no npm version matches pkg@9');
  });

  it('asks the registry for tags and ranges but not for exact versions', async () => {
    const asked: string[] = [];
    const versions = await resolveAgentVersions({ claude: '2.0.0', codex: '^0.5' }, async (pkg, spec) => {
      asked.push(`${pkg}@${spec}`);
      return '9.9.9';
    });
    expect(versions).toEqual({ claude: '2.0.0', codex: '9.9.9', copilot: '9.9.9', gemini: '9.9.9' });
    expect(asked.sort()).toEqual([
      '@github/copilot@latest',
      '@google/gemini-cli@latest',
      '@openai/codex@^0.5',
    ]);
  });
});
