import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/agents/registry.js';
import { type CliResult, parseJson, repoRoot, runCli } from '../helpers/cli.js';
import { ensureTestImages, testCaBundle } from '../helpers/images.js';
import { testBaseImage } from '../setup/global-engine.js';

const run = promisify(execFile);
const suffix = randomBytes(4).toString('hex');
// A private namespace: this file builds, checks and removes its own chain without touching launch-agent/*.
const ns = `launch-agent-e2e-${suffix}`;
const failingNs = `launch-agent-e2e-fail-${suffix}`;
const noCaNs = `launch-agent-e2e-noca-${suffix}`;
const fakeTokens = {
  CLAUDE_CODE_OAUTH_TOKEN: `sk-ant-oat01-FAKE-${suffix}-claude`,
  GH_TOKEN: `ghp_FAKE${suffix}gh`,
  CODEX_API_KEY: `sk-FAKE-${suffix}-codex`,
  GEMINI_API_KEY: `AIzaFAKE${suffix}gemini`,
};
const fileToken = `FAKE-${suffix}-only-in-the-secrets-file`;

interface BuildJson {
  images: Array<{
    name: string;
    ref: string;
    id: string;
    built: boolean;
    agentVersions: Record<string, string>;
  }>;
  built: number;
  baseImage: string;
}

let tmp: string;
let env: NodeJS.ProcessEnv;
let first: CliResult;

async function docker(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

function buildArgs(namespace: string, ...extra: string[]): string[] {
  const ca = testCaBundle();
  return [
    'images',
    'build',
    '--base-image',
    testBaseImage(),
    '--image-namespace',
    namespace,
    ...(ca ? ['--ca-bundle', ca] : []),
    ...extra,
  ];
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-images-e2e-'));
  // Fake logins everywhere a careless build could pick them up: the environment and the secrets file.
  await writeFile(
    path.join(tmp, 'secrets.env'),
    `FILE_ONLY_TOKEN=${fileToken}\nGH_TOKEN=${fakeTokens.GH_TOKEN}\n`,
    {
      mode: 0o600,
    },
  );
  env = { ...fakeTokens, LAUNCH_AGENT_CONFIG_DIR: tmp };
  // The shared chain first (other e2e files use it), built with the fake tokens in this
  // process's environment too. The private chain below then comes from the engine's cache:
  // every layer still goes through a build, and removing its tags later keeps the cache.
  const saved = { ...process.env };
  Object.assign(process.env, fakeTokens);
  try {
    await ensureTestImages();
  } finally {
    for (const key of Object.keys(fakeTokens)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
  first = await runCli([...buildArgs(ns, '--all', '--json')], { env });
}, 1_800_000);

afterAll(async () => {
  const listed = await docker(
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${ns}/*`,
  );
  const failed = await docker(
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${failingNs}/*`,
  );
  const noCa = await docker(
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=${noCaNs}/*`,
  );
  const refs = `${listed.stdout}\n${failed.stdout}\n${noCa.stdout}`.split('\n').filter(Boolean);
  if (refs.length > 0) await docker('rmi', ...refs);
  await rm(tmp, { recursive: true, force: true });
});

describe('images build --all on the local base image', () => {
  it('builds every layer, tagged by content hash and latest', async () => {
    expect(first.code, first.stderr).toBe(0);
    const result = parseJson<BuildJson>(first);
    expect(result.images.map((i) => i.name)).toEqual([
      'base',
      'agents',
      ...agents.map((a) => a.name),
      'proxy',
    ]);
    for (const image of result.images) {
      expect(image.built).toBe(true);
      expect(image.ref).toMatch(new RegExp(`^${ns}/${image.name}:[0-9a-f]{12}$`));
      const latest = await docker('image', 'inspect', '--format', '{{.Id}}', `${ns}/${image.name}:latest`);
      expect(latest.stdout.trim()).toBe(image.id);
    }
    expect(result.built).toBe(result.images.length);
  });

  it('records each CLI version and the content hash in labels', async () => {
    const inspect = await docker(
      'image',
      'inspect',
      '--format',
      '{{json .Config.Labels}}',
      `${ns}/agents:latest`,
    );
    const labels = JSON.parse(inspect.stdout) as Record<string, string>;
    expect(labels['dev.launch-agent.managed']).toBe('true');
    expect(labels['dev.launch-agent.kind']).toBe('image');
    const result = parseJson<BuildJson>(first);
    expect(labels['dev.launch-agent.content-hash']).toBe(result.images[1]?.ref.split(':')[1]);
    for (const agent of agents)
      expect(labels[`dev.launch-agent.agent-version.${agent.name}`]).toMatch(/^\d+\.\d+\.\d+/);
  });

  for (const agent of agents) {
    it(`${agent.name} --version runs as uid 1000 under tini (PID 1) in launch-agent/${agent.name}`, async () => {
      const ref = `${ns}/${agent.name}:latest`;
      const out = await docker(
        'run',
        '--rm',
        ref,
        'sh',
        '-c',
        `id -u; cat /proc/1/comm; ${agent.binary} --version`,
      );
      expect(out.code, out.stderr).toBe(0);
      const [uid, pid1, ...version] = out.stdout.trim().split('\n');
      expect(uid).toBe('1000');
      expect(pid1).toBe('tini');
      const labels = await docker('image', 'inspect', '--format', '{{json .Config.Labels}}', ref);
      const installed = (JSON.parse(labels.stdout) as Record<string, string>)[
        `dev.launch-agent.agent-version.${agent.name}`
      ];
      expect(version.join('\n')).toContain(installed);
    });
  }

  it('the egress proxy image is Debian tinyproxy alone: a few MB, nobody, no shell', async () => {
    const ref = `${ns}/proxy:latest`;
    const version = await docker('run', '--rm', ref, '-v');
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^tinyproxy 1\./);
    const inspect = JSON.parse((await docker('image', 'inspect', ref)).stdout)[0];
    expect(inspect.Config.User).toBe('65534:65534');
    expect(inspect.Size).toBeLessThan(10 * 1024 * 1024);
    const shell = await docker('run', '--rm', '--entrypoint', '/bin/sh', ref, '-c', 'true');
    expect(shell.code).not.toBe(0);
  });

  it('copilot starts from the package unpacked in the image, not into each home', async () => {
    const out = await docker(
      'run',
      '--rm',
      '--user',
      '4321:4321',
      `${ns}/copilot:latest`,
      'sh',
      '-c',
      'copilot --version && ls -A "$HOME/.cache" 2>/dev/null | wc -l',
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n').at(-1)).toBe('0');
  });

  it('a second build builds nothing and says so', async () => {
    const again = await runCli(buildArgs(ns, '--all'), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing built');
    const lines = again.stdout.split('\n').filter((line) => line.startsWith(`${ns}/`));
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/ up to date$/);
    // One agent's chain is the same images as in --all: nothing to build either.
    const one = parseJson<BuildJson>(await runCli(buildArgs(ns, '--agent', 'gemini', '--json'), { env }));
    expect(one.built).toBe(0);
    expect(one.images.map((i) => i.name)).toEqual(['base', 'agents', 'gemini']);
    const listed = await runCli(
      ['images', 'list', '--json', '--base-image', testBaseImage(), '--image-namespace', ns],
      {
        env,
      },
    );
    const status = parseJson<{ images: Array<{ name: string; state: string; tag?: string }> }>(listed);
    expect(status.images.map((i) => i.state)).toEqual(status.images.map(() => 'current'));
  });

  it('trusts the CA bundle in the image: system store and NODE_EXTRA_CA_CERTS', async () => {
    const out = await docker(
      'run',
      '--rm',
      `${ns}/agents:latest`,
      'sh',
      '-c',
      'echo "$NODE_EXTRA_CA_CERTS"; test -s /usr/local/share/ca-certificates/launch-agent-extra-ca.crt && echo copied',
    );
    expect(out.stdout.split('\n').slice(0, 2)).toEqual(['/etc/ssl/certs/ca-certificates.crt', 'copied']);
  });
});

describe('without a CA bundle', () => {
  it('adds nothing CA-related to the image', async () => {
    // The real base layer; trivial agents/claude layers (npm would need the CA here).
    const dir = path.join(tmp, 'images-no-ca');
    await cp(path.join(repoRoot, 'images', 'base'), path.join(dir, 'base'), { recursive: true });
    await mkdir(path.join(dir, 'agents'));
    await writeFile(path.join(dir, 'agents', 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\n');
    await mkdir(path.join(dir, 'claude'));
    await writeFile(path.join(dir, 'claude', 'Dockerfile'), 'ARG AGENTS\nFROM ${AGENTS}\n');
    const pinned = agents.flatMap((a) => ['--agent-version', `${a.name}=1.0.0`]);
    const args = [
      'images',
      'build',
      '--agent',
      'claude',
      '--base-image',
      testBaseImage(),
      '--image-namespace',
      noCaNs,
    ];
    const result = await runCli([...args, '--images-dir', dir, ...pinned, '--json'], {
      env: { ...env, NODE_EXTRA_CA_CERTS: '' },
    });
    expect(result.code, result.stderr).toBe(0);
    const ref = `${noCaNs}/base:latest`;
    const config = await docker('image', 'inspect', '--format', '{{json .Config.Env}}', ref);
    expect(config.stdout).not.toMatch(/NODE_EXTRA_CA_CERTS|PIP_CERT|SSL_CERT_FILE|REQUESTS_CA_BUNDLE/);
    const history = await docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', ref);
    expect(history.stdout).toContain('apt-get');
    expect(history.stdout).not.toContain('extra-ca');
    const file = await docker('run', '--rm', ref, 'sh', '-c', 'ls /usr/local/share/ca-certificates');
    expect(file.stdout.trim()).toBe('');
  });
});

describe('no secret in any layer', () => {
  it('image history and config hold none of the fake tokens present during the build', async () => {
    const secrets = [...Object.values(fakeTokens), fileToken];
    for (const name of ['base', 'agents', ...agents.map((a) => a.name), 'proxy']) {
      const history = await docker(
        'history',
        '--no-trunc',
        '--format',
        '{{.CreatedBy}}',
        `${ns}/${name}:latest`,
      );
      const inspect = await docker('image', 'inspect', `${ns}/${name}:latest`);
      expect(history.stdout).toContain('/bin/sh');
      for (const secret of secrets) {
        expect(history.stdout).not.toContain(secret);
        expect(inspect.stdout).not.toContain(secret);
      }
    }
  });

  it('no layer file holds them (every layer of the saved image, deleted files included)', async () => {
    const secrets = [...Object.values(fakeTokens), fileToken];
    const control = 'LAUNCH_AGENT_AGENT=gemini';
    const patterns = [...secrets, control].flatMap((s) => ['-e', s]);
    const script = `docker save "$0" | grep -a -o -F ${patterns.map((p) => `'${p}'`).join(' ')} | sort -u`;
    const { stdout } = await run('sh', ['-c', script, `${ns}/gemini:latest`], { maxBuffer: 1024 * 1024 });
    // The control string proves the scan reads the image; the fake tokens must not appear.
    expect(stdout.trim().split('\n')).toEqual([control]);
  });
});

describe('the base tools and user', () => {
  it('has the tools, user agent (1000:1000, /home/agent, bash) in place of node, and no sudo', async () => {
    const script = [
      'for t in git gh python3 pipx rg jq curl less ssh ps tini tmux uvx; do command -v $t >/dev/null || echo "missing $t"; done',
      'command -v sudo && echo "has sudo"',
      'getent passwd 1000',
      'getent passwd node || true',
      'stat -c %U /workspace',
      'locale -a | grep -c -i -E "^(C.utf8|en_US.utf8)$"',
    ].join('; ');
    const out = await docker('run', '--rm', `${ns}/codex:latest`, 'sh', '-c', script);
    expect(out.stdout.trim().split('\n')).toEqual(['agent:x:1000:1000::/home/agent:/bin/bash', 'agent', '2']);
  });

  it('runs a uvx-style MCP server through pipx, offline, with a clean stdout', async () => {
    // A hand-made wheel (no network needed): uvx --from WHEEL COMMAND must print only the command's output.
    const makeWheel = [
      'import zipfile',
      "z = zipfile.ZipFile('/tmp/hello_la-1.0-py3-none-any.whl', 'w')",
      "z.writestr('hello_la/__init__.py', 'def main():\\n    print(\"hello from uvx\")\\n')",
      "z.writestr('hello_la-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: hello-la\\nVersion: 1.0\\n')",
      "z.writestr('hello_la-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')",
      "z.writestr('hello_la-1.0.dist-info/entry_points.txt', '[console_scripts]\\nhello-la = hello_la:main\\n')",
      "z.writestr('hello_la-1.0.dist-info/RECORD', '')",
      'z.close()',
    ].join('\n');
    const script = `python3 -c "$0" && uvx --from /tmp/hello_la-1.0-py3-none-any.whl hello-la`;
    const out = await docker(
      'run',
      '--rm',
      '--network',
      'none',
      `${ns}/claude:latest`,
      'sh',
      '-c',
      script,
      makeWheel,
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('hello from uvx\n');
  });
});

describe('entrypoint and login check', () => {
  it('exports the secrets file literally, prints nothing, and passes the exit code through', async () => {
    const file = path.join(tmp, 'entrypoint-secrets.env');
    await writeFile(
      file,
      [
        '# a comment',
        '',
        'PLAIN=value',
        'export EXPORTED="two words"',
        "SINGLE='$(not run)'",
        'EVIL=$(touch /tmp/pwned)',
        'TICKS=`touch /tmp/pwned2`',
        'EQ=a=b',
        'CRLF=win\r',
      ].join('\n'),
    );
    const script =
      'printf "%s|" "$PLAIN" "$EXPORTED" "$SINGLE" "$EVIL" "$TICKS" "$EQ" "$CRLF"; ls /tmp/pwned /tmp/pwned2 2>/dev/null; exit 7';
    const out = await docker(
      'run',
      '--rm',
      '-v',
      `${file}:/run/launch-agent/secrets.env:ro`,
      `${ns}/agents:latest`,
      'sh',
      '-c',
      script,
    );
    expect(out.code).toBe(7);
    expect(out.stdout).toBe('value|two words|$(not run)|$(touch /tmp/pwned)|`touch /tmp/pwned2`|a=b|win|');
    expect(out.stderr).toBe('');
  });

  it('names the login it finds, never the value, and says what to do without one', async () => {
    const token = `tok-${suffix}-value`;
    const found = await docker(
      'run',
      '--rm',
      '-e',
      `CLAUDE_CODE_OAUTH_TOKEN=${token}`,
      `${ns}/claude:latest`,
      'launch-agent-login-check',
    );
    expect(found.code).toBe(0);
    expect(found.stderr).toContain('$CLAUDE_CODE_OAUTH_TOKEN');
    expect(found.stderr).not.toContain(token);

    const creds = path.join(tmp, 'oauth_creds.json');
    await writeFile(creds, '{"access_token":"x"}');
    const mounted = await docker(
      'run',
      '--rm',
      '-v',
      `${creds}:/home/agent/.gemini/oauth_creds.json:ro`,
      `${ns}/gemini:latest`,
      'launch-agent-login-check',
    );
    expect(mounted.code).toBe(0);
    expect(mounted.stderr).toContain('~/.gemini/oauth_creds.json');

    const none = await docker('run', '--rm', `${ns}/claude:latest`, 'launch-agent-login-check');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no claude login found');
    expect(none.stderr).toContain('claude setup-token');
    expect(none.stderr).toContain('~/.config/launch-agent/secrets.env');
  });
});

describe('a failing build step', () => {
  it('fails with that step and the engine message, exit code 6, and tags nothing', async () => {
    const fixture = path.join(repoRoot, 'test', 'fixtures', 'images-failing');
    const result = await runCli(buildArgs(failingNs, '--agent', 'claude', '--images-dir', fixture), { env });
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/failed at Step \d+\/\d+ : RUN echo "fixture: about to fail" && exit 3/);
    expect(result.stderr).toContain('returned a non-zero code: 3');
    const json = await runCli(buildArgs(failingNs, '--agent', 'claude', '--images-dir', fixture, '--json'), {
      env,
    });
    expect(json.code).toBe(6);
    expect(parseJson<{ error: { code: string } }>(json).error.code).toBe('IMAGE_BUILD_FAILED');
    const tags = await docker('images', '-q', '--filter', `reference=${failingNs}/*`);
    expect(tags.stdout.trim()).toBe('');
  });

  it('a base image that is not here and cannot be pulled fails with IMAGE_MISSING and the engine message', async () => {
    const missing = `${failingNs}/no-such-base:1`;
    const result = await runCli(
      [
        'images',
        'build',
        '--agent',
        'codex',
        '--base-image',
        missing,
        '--image-namespace',
        failingNs,
        '--json',
      ],
      { env },
    );
    expect(result.code).toBe(4);
    const error = parseJson<{ error: { code: string; message: string; hint: string } }>(result).error;
    expect(error.code).toBe('IMAGE_MISSING');
    expect(error.message).toContain(missing);
    expect(error.hint).toContain('--base-image');
  });
});

describe('images prune', () => {
  it('lists, then removes, the image a changed per-agent layer superseded, and keeps the rest', async () => {
    const dir = path.join(tmp, 'images-changed');
    await cp(path.join(repoRoot, 'images'), dir, { recursive: true });
    await writeFile(path.join(dir, 'claude', 'Dockerfile'), 'ENV LAUNCH_AGENT_E2E=1\n', { flag: 'a' });
    const original = parseJson<BuildJson>(first).images.find((i) => i.name === 'claude')?.ref;
    const rebuilt = await runCli(buildArgs(ns, '--agent', 'claude', '--images-dir', dir, '--json'), { env });
    expect(parseJson<BuildJson>(rebuilt).built).toBe(1);

    const ca = testCaBundle();
    const args = [
      'images',
      'prune',
      '--image-namespace',
      ns,
      '--images-dir',
      dir,
      '--base-image',
      testBaseImage(),
    ];
    if (ca) args.push('--ca-bundle', ca);
    const listed = parseJson<{ removable: Array<{ ref: string }>; removed: boolean }>(
      await runCli([...args, '--json'], { env }),
    );
    expect(listed).toMatchObject({ removed: false, removable: [{ ref: original }] });
    expect((await docker('image', 'inspect', String(original))).code).toBe(0);

    const pruned = await runCli([...args, '--yes'], { env });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain(`removed ${original}`);
    expect((await docker('image', 'inspect', String(original))).code).not.toBe(0);
    expect((await docker('image', 'inspect', `${ns}/codex:latest`)).code).toBe(0);
  });
});
