import { describe, expect, it } from 'vitest';
import { claude } from '../../../src/agents/claude.js';
import { codex } from '../../../src/agents/codex.js';
import { copilot } from '../../../src/agents/copilot.js';
import { gemini } from '../../../src/agents/gemini.js';
import { checkConfig } from '../../../src/core/doctor/config-check.js';
import { checkStorageDriver } from '../../../src/core/doctor/engine-checks.js';
import { checkCode, checkGit } from '../../../src/core/doctor/host-checks.js';
import { checkLogin } from '../../../src/core/doctor/login-checks.js';
import { checkSecretsFile, secretKeys } from '../../../src/core/doctor/secrets-check.js';
import {
  type DoctorCheck,
  type DoctorDeps,
  type ImageState,
  type RunResult,
  runDoctor,
} from '../../../src/core/doctor.js';
import type { EngineEndpoint } from '../../../src/docker/connect.js';
import type { Engine, EngineInfo } from '../../../src/docker/engine.js';
import { LaunchError } from '../../../src/errors.js';

interface FakeFile {
  kind?: 'file' | 'dir';
  mode?: number;
  text?: string;
}

const socket: EngineEndpoint = {
  url: 'unix:///var/run/docker.sock',
  protocol: 'unix',
  socketPath: '/var/run/docker.sock',
  source: 'default socket',
};

const dockerInfo: EngineInfo = {
  endpoint: socket.url,
  name: 'Docker',
  version: '27.3.1',
  apiVersion: '1.47',
  storageDriver: 'overlay2',
  os: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'amd64',
  rootless: false,
  hostname: 'devbox',
};

/** Only what doctor calls: the endpoint and info(). */
function fakeEngine(info: EngineInfo | Error, endpoint: EngineEndpoint = socket): Engine {
  const engine: Pick<Engine, 'endpoint' | 'info'> = {
    endpoint,
    info: async () => {
      if (info instanceof Error) throw info;
      return info;
    },
  };
  return engine as Engine;
}

function unreachable(endpoint: EngineEndpoint, code: string): LaunchError {
  return new LaunchError(
    'ENGINE_UNREACHABLE',
    `cannot reach the container engine at ${endpoint.url} (${code})`,
    {
      hint: 'generic hint',
      cause: Object.assign(new Error(`connect ${code}`), { code }),
    },
  );
}

/** A host git: `--version` prints `version`; `config --get` knows these settings. */
function gitProgram(
  version: string,
  settings: Record<string, string> = { 'user.name': 'Ada Lovelace', 'user.email': 'ada@example.com' },
  exitCode = 0,
): (args: string[]) => RunResult {
  return (args) => {
    if (args[0] === 'config') {
      const value = settings[args[2] ?? ''];
      return value === undefined
        ? { exitCode: 1, stdout: '', stderr: '' }
        : { exitCode: 0, stdout: `${value}\n`, stderr: '' };
    }
    return { exitCode, stdout: version, stderr: exitCode ? 'broken' : '' };
  };
}

interface FakeHostOptions {
  engine?: Engine | Error;
  files?: Record<string, FakeFile>;
  env?: Record<string, string>;
  platform?: NodeJS.Platform;
  homedir?: string;
  programs?: Record<string, (args: string[]) => RunResult>;
  images?: DoctorDeps['images'];
  secretsFile?: string;
}

function fakeDeps(options: FakeHostOptions = {}): DoctorDeps & { calls: string[][] } {
  const files = options.files ?? {};
  const programs = options.programs ?? { git: gitProgram('git version 2.39.5\n') };
  const calls: string[][] = [];
  const engine = options.engine ?? fakeEngine(dockerInfo);
  return {
    calls,
    engine: async () => {
      if (engine instanceof Error) throw engine;
      return engine;
    },
    host: {
      env: { PATH: '/usr/bin:/bin', ...options.env },
      platform: options.platform ?? 'linux',
      homedir: options.homedir ?? '/home/me',
    },
    stat: async (file) => {
      const f = files[file];
      return f ? { kind: f.kind ?? 'file', mode: f.mode ?? 0o644 } : undefined;
    },
    readFile: async (file) => {
      const f = files[file];
      if (f?.text === undefined) throw new Error(`EACCES: permission denied, open '${file}'`);
      return f.text;
    },
    run: async (file, args) => {
      calls.push([file, ...args]);
      return programs[file]?.(args);
    },
    ...(options.images ? { images: options.images } : {}),
    ...(options.secretsFile ? { secretsFile: options.secretsFile } : {}),
  };
}

const SECRETS = '/home/me/.config/launch-agent/secrets.env';

function byName(checks: DoctorCheck[], name: string): DoctorCheck {
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name} in ${checks.map((c) => c.name).join(', ')}`);
  return check;
}

describe('runDoctor', () => {
  it('reports every check in order, counts them and is ok when nothing fails', async () => {
    const report = await runDoctor(
      fakeDeps({
        files: {
          '/usr/bin/code': { mode: 0o755 },
          [SECRETS]: { mode: 0o600, text: 'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-x\n' },
        },
      }),
    );
    expect(report.checks.map((c) => c.name)).toEqual([
      'engine',
      'storage-driver',
      'disk',
      'launch-path',
      'git',
      'secrets-file',
      'login.claude',
      'login.codex',
      'login.copilot',
      'login.gemini',
      'code',
    ]);
    expect(report.summary).toEqual({ ok: 8, warn: 3, fail: 0 });
    expect(report.ok).toBe(true);
    for (const check of report.checks) {
      if (check.status !== 'ok') expect(check.remedy, check.name).toMatch(/\S/);
    }
  });

  it('is not ok when one check fails', async () => {
    const report = await runDoctor(fakeDeps({ files: { [SECRETS]: { mode: 0o644, text: '' } } }));
    expect(report.ok).toBe(false);
    expect(report.summary.fail).toBe(1);
  });

  it('only checks the agents it is given', async () => {
    const report = await runDoctor(fakeDeps(), { agents: [gemini] });
    expect(report.checks.filter((c) => c.name.startsWith('login.')).map((c) => c.name)).toEqual([
      'login.gemini',
    ]);
  });
});

describe('engine check', () => {
  it('names the engine, its versions, the endpoint and where the endpoint came from', async () => {
    const report = await runDoctor(fakeDeps());
    const engine = byName(report.checks, 'engine');
    expect(engine.status).toBe('ok');
    expect(engine.detail).toBe('Docker 27.3.1 (API 1.47) at unix:///var/run/docker.sock (default socket)');
    expect(engine.facts).toMatchObject({
      endpoint: 'unix:///var/run/docker.sock',
      source: 'default socket',
      engine: 'Docker',
      version: '27.3.1',
      apiVersion: '1.47',
    });
  });

  it('bounds the wait for an answer: 15 s unless told otherwise', async () => {
    const asked: Array<{ timeoutMs?: number } | undefined> = [];
    const engine = {
      endpoint: socket,
      info: async (options?: { timeoutMs?: number }) => {
        asked.push(options);
        return dockerInfo;
      },
    } as Engine;
    await runDoctor(fakeDeps({ engine }));
    await runDoctor({ ...fakeDeps({ engine }), engineTimeoutMs: 500 });
    expect(asked).toEqual([{ timeoutMs: 15_000 }, { timeoutMs: 500 }]);
  });

  it('warns about an engine older than API 1.41', async () => {
    const old = fakeEngine({ ...dockerInfo, version: '19.03.15', apiVersion: '1.40' });
    const engine = byName((await runDoctor(fakeDeps({ engine: old }))).checks, 'engine');
    expect(engine).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/API 1\.40 is older than 1\.41/),
      remedy: expect.stringMatching(/Docker Engine 20\.10/),
    });
    for (const apiVersion of ['1.41', '1.47', '2.0']) {
      const current = fakeEngine({ ...dockerInfo, apiVersion });
      expect(byName((await runDoctor(fakeDeps({ engine: current }))).checks, 'engine').status).toBe('ok');
    }
  });

  it('tells Podman, rootless, apart', async () => {
    const podman = fakeEngine(
      { ...dockerInfo, name: 'Podman', version: '5.2.2', apiVersion: '1.41', rootless: true },
      {
        url: 'unix:///run/user/1000/podman/podman.sock',
        protocol: 'unix',
        socketPath: '/run/user/1000/podman/podman.sock',
        source: 'podman socket',
      },
    );
    const engine = byName((await runDoctor(fakeDeps({ engine: podman }))).checks, 'engine');
    expect(engine.detail).toBe(
      'Podman 5.2.2 (API 1.41, rootless) at unix:///run/user/1000/podman/podman.sock (podman socket)',
    );
  });

  it('an unreachable engine fails with the endpoint, its source and what to do; engine checks are left out', async () => {
    const endpoint: EngineEndpoint = {
      url: 'unix:///tmp/none.sock',
      protocol: 'unix',
      socketPath: '/tmp/none.sock',
      source: 'DOCKER_HOST',
    };
    const images = async () => [] as ImageState[];
    const report = await runDoctor(
      fakeDeps({ engine: fakeEngine(unreachable(endpoint, 'ENOENT'), endpoint), images }),
    );
    const engine = byName(report.checks, 'engine');
    expect(engine).toMatchObject({
      status: 'fail',
      detail:
        'cannot reach the container engine at unix:///tmp/none.sock (ENOENT); endpoint from DOCKER_HOST',
      remedy:
        'start the engine at unix:///tmp/none.sock, or fix DOCKER_HOST (unset it to use the default socket)',
      facts: { endpoint: 'unix:///tmp/none.sock', source: 'DOCKER_HOST', code: 'ENGINE_UNREACHABLE' },
    });
    expect(report.checks.map((c) => c.name)).not.toContain('storage-driver');
    expect(report.ok).toBe(false);
    // The host checks still run.
    expect(byName(report.checks, 'git').status).toBe('ok');
  });

  it.each([
    [{ ...socket }, 'ECONNREFUSED', /start Docker or Podman .*systemctl start docker/],
    [
      { ...socket, url: 'ssh://ops@remote', protocol: 'ssh', source: 'context remote' },
      'ECONNREFUSED',
      /docker context remote.*docker context use default/,
    ],
    [{ ...socket }, 'EACCES', /you may not use \/var\/run\/docker\.sock: add yourself to the docker group/],
    [{ ...socket }, 'ABORT_ERR', /accepts connections but does not answer: restart the engine/],
  ] as Array<[EngineEndpoint, string, RegExp]>)('remedy for %j with %s', async (endpoint, code, remedy) => {
    const report = await runDoctor(fakeDeps({ engine: fakeEngine(unreachable(endpoint, code), endpoint) }));
    expect(byName(report.checks, 'engine').remedy).toMatch(remedy);
  });

  it('an unreachable engine with its own reason (an ssh host key) keeps its hint', async () => {
    const endpoint: EngineEndpoint = {
      url: 'ssh://h',
      protocol: 'ssh',
      host: 'h',
      port: 22,
      source: 'DOCKER_HOST',
    };
    const error = new LaunchError(
      'ENGINE_UNREACHABLE',
      'the ssh host key of h is not in ~/.ssh/known_hosts',
      {
        hint: 'connect once with `ssh h`, check and accept the key, then retry',
        cause: new Error('Host denied (verification failed)'),
      },
    );
    const engine = byName(
      (await runDoctor(fakeDeps({ engine: fakeEngine(error, endpoint) }))).checks,
      'engine',
    );
    expect(engine).toMatchObject({
      status: 'fail',
      detail: 'the ssh host key of h is not in ~/.ssh/known_hosts; endpoint from DOCKER_HOST',
      remedy: 'connect once with `ssh h`, check and accept the key, then retry',
    });
  });

  it('an endpoint that cannot even be resolved fails with the resolver hint', async () => {
    const error = new LaunchError('ENGINE_UNREACHABLE', 'docker context `nope` not found', {
      hint: 'fix DOCKER_HOST or the docker context',
    });
    const engine = byName((await runDoctor(fakeDeps({ engine: error }))).checks, 'engine');
    expect(engine).toMatchObject({
      status: 'fail',
      detail: 'docker context `nope` not found',
      remedy: 'fix DOCKER_HOST or the docker context',
    });
  });

  it('an engine error other than unreachable keeps the engine message', async () => {
    const error = new LaunchError('ENGINE_ERROR', 'engine info: client version 1.47 is too new', {
      hint: 'upgrade the engine',
    });
    const engine = byName((await runDoctor(fakeDeps({ engine: fakeEngine(error) }))).checks, 'engine');
    expect(engine).toMatchObject({ status: 'fail', remedy: 'upgrade the engine' });
    expect(engine.detail).toMatch(/client version 1\.47 is too new; endpoint from default socket/);
  });
});

describe('storage driver check', () => {
  it.each([
    ['overlay2', 'ok'],
    ['overlay', 'ok'],
    ['fuse-overlayfs', 'ok'],
    ['btrfs', 'ok'],
    ['vfs', 'warn'],
    ['devicemapper', 'warn'],
    ['aufs', 'warn'],
    ['', 'warn'],
  ])('%s -> %s', (driver, status) => {
    const check = checkStorageDriver({ ...dockerInfo, storageDriver: driver });
    expect(check.status).toBe(status);
    if (status === 'warn') expect(check.remedy).toMatch(/overlay2/);
  });
});

describe('images check', () => {
  it('reports each image present and up to date, missing or stale', async () => {
    const seen: Engine[] = [];
    const images: DoctorDeps['images'] = async (engine) => {
      seen.push(engine);
      return [
        { image: 'launch-agent/base', present: true, upToDate: true },
        { image: 'launch-agent/agents', present: true, upToDate: false, detail: 'context changed' },
        { image: 'launch-agent/claude', present: false, upToDate: false },
      ];
    };
    const deps = fakeDeps({ images });
    const report = await runDoctor(deps);
    expect(seen).toHaveLength(1);
    expect(byName(report.checks, 'image.launch-agent/base')).toMatchObject({ status: 'ok' });
    expect(byName(report.checks, 'image.launch-agent/agents')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/out of date \(context changed\)/),
    });
    expect(byName(report.checks, 'image.launch-agent/claude')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/not built yet/),
      facts: { present: false, upToDate: false },
    });
    // Images come right after the engine checks.
    expect(report.checks.map((c) => c.name).slice(0, 6)).toEqual([
      'engine',
      'storage-driver',
      'disk',
      'image.launch-agent/base',
      'image.launch-agent/agents',
      'image.launch-agent/claude',
    ]);
  });

  it('a failing status query warns instead of failing doctor', async () => {
    const report = await runDoctor(fakeDeps({ images: async () => Promise.reject(new Error('boom')) }));
    expect(byName(report.checks, 'images')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/boom/),
    });
    expect(report.ok).toBe(true);
  });
});

describe('git check', () => {
  const git = (stdout: string, exitCode = 0) => ({ git: gitProgram(stdout, undefined, exitCode) });

  it('passes with the version and the identity commits will carry', async () => {
    expect(await checkGit(fakeDeps({ programs: git('git version 2.39.5\n') }))).toMatchObject({
      status: 'ok',
      detail: 'git 2.39.5 (Ada Lovelace <ada@example.com>)',
      facts: { version: '2.39.5', userName: 'Ada Lovelace', userEmail: 'ada@example.com' },
    });
    expect((await checkGit(fakeDeps({ programs: git('git version 2.47.0.windows.2') }))).status).toBe('ok');
  });

  it('warns without user.name or user.email: commits in containers would fail', async () => {
    const noEmail = { git: gitProgram('git version 2.45.0', { 'user.name': 'Ada' }) };
    expect(await checkGit(fakeDeps({ programs: noEmail }))).toMatchObject({
      status: 'warn',
      detail: 'git 2.45.0, but no user.email: commits made in agent containers will fail',
      remedy: expect.stringContaining('git config --global user.email'),
    });
    const neither = { git: gitProgram('git version 2.45.0', {}) };
    expect((await checkGit(fakeDeps({ programs: neither }))).detail).toContain('no user.name and user.email');
  });

  it('fails when git is missing, broken or older than 2.31', async () => {
    expect(await checkGit(fakeDeps({ programs: {} }))).toMatchObject({
      status: 'fail',
      remedy: expect.stringMatching(/install git/),
    });
    expect(await checkGit(fakeDeps({ programs: git('', 127) }))).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/broken/),
    });
    expect(await checkGit(fakeDeps({ programs: git('git version 2.30.2') }))).toMatchObject({
      status: 'fail',
      detail: 'git 2.30.2 is too old: launch-agent needs 2.31 or newer',
    });
    expect((await checkGit(fakeDeps({ programs: git('git version 1.9.0') }))).status).toBe('fail');
  });
});

describe('secrets file check', () => {
  it('warns when the default file is missing; fails when a given one is', async () => {
    const missing = await checkSecretsFile(fakeDeps());
    expect(missing.file).toBe(SECRETS);
    expect(missing.check).toMatchObject({ status: 'warn', detail: `no secrets file at ${SECRETS}` });
    expect(missing.check.remedy).toMatch(/mode 600.*CLAUDE_CODE_OAUTH_TOKEN.*claude setup-token/);
    const given = await checkSecretsFile(fakeDeps({ secretsFile: '/tmp/s.env' }));
    expect(given.check).toMatchObject({ status: 'fail', detail: 'no secrets file at /tmp/s.env' });
  });

  it('honours LAUNCH_AGENT_CONFIG_DIR and XDG_CONFIG_HOME', async () => {
    expect((await checkSecretsFile(fakeDeps({ env: { LAUNCH_AGENT_CONFIG_DIR: '/cfg' } }))).file).toBe(
      '/cfg/secrets.env',
    );
    expect((await checkSecretsFile(fakeDeps({ env: { XDG_CONFIG_HOME: '/xdg' } }))).file).toBe(
      '/xdg/launch-agent/secrets.env',
    );
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o606])(
    'fails when group or others have access (mode %o)',
    async (mode) => {
      const result = await checkSecretsFile(
        fakeDeps({ files: { [SECRETS]: { mode, text: 'GH_TOKEN=x\n' } } }),
      );
      expect(result.check).toMatchObject({ status: 'fail', remedy: `chmod 600 ${SECRETS}` });
      expect(result.check.detail).toContain(`mode 0${mode.toString(8)}`);
    },
  );

  it('passes at 0600 and 0400, listing the key names but never the values', async () => {
    for (const mode of [0o600, 0o400]) {
      const result = await checkSecretsFile(
        fakeDeps({
          files: {
            [SECRETS]: { mode, text: '# tokens\nexport GH_TOKEN="ghp_secretvalue"\nGEMINI_API_KEY=abc\n' },
          },
        }),
      );
      expect(result.check.status).toBe('ok');
      expect(result.keys).toEqual(['GH_TOKEN', 'GEMINI_API_KEY']);
      expect(JSON.stringify(result.check)).not.toMatch(/ghp_secretvalue|abc"/);
    }
  });

  it('warns about lines the container would skip, naming the first', async () => {
    const result = await checkSecretsFile(
      fakeDeps({
        files: {
          [SECRETS]: { mode: 0o600, text: 'GH_TOKEN=x\nCLAUDE_CODE_OAUTH_TOKEN sk-1\nexport 9X=1\n' },
        },
      }),
    );
    expect(result.check).toMatchObject({
      status: 'warn',
      detail: `${SECRETS}:2: ignored, expected KEY=VALUE (and 1 more); containers skip such lines`,
      facts: { problems: ['2: ignored, expected KEY=VALUE', '3: ignored, not a variable name'] },
    });
    expect(JSON.stringify(result.check)).not.toContain('sk-1');
  });

  it('fails for a directory or an unreadable file', async () => {
    expect(
      (await checkSecretsFile(fakeDeps({ files: { [SECRETS]: { kind: 'dir', mode: 0o700 } } }))).check.status,
    ).toBe('fail');
    const unreadable = await checkSecretsFile(fakeDeps({ files: { [SECRETS]: { mode: 0o600 } } }));
    expect(unreadable.check).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/cannot read .*EACCES/),
    });
  });

  it('ignores Unix modes on Windows', async () => {
    const file = 'C:\\Users\\me\\AppData\\Roaming\\launch-agent\\secrets.env';
    const result = await checkSecretsFile(
      fakeDeps({
        platform: 'win32',
        homedir: 'C:\\Users\\me',
        env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
        files: { [file]: { mode: 0o666, text: 'GH_TOKEN=x' } },
      }),
    );
    expect(result.check).toMatchObject({ status: 'ok', detail: `${file} (keys GH_TOKEN)` });
  });

  it('secretKeys reads KEY=VALUE and export lines, skipping comments and empty values', () => {
    const text = [
      '# comment',
      'export CLAUDE_CODE_OAUTH_TOKEN="sk-1"',
      "  GH_TOKEN = 'ghp'",
      'EMPTY=',
      'QUOTED_EMPTY=""',
      'not a line',
      'CODEX_API_KEY=sk-2',
      'CODEX_API_KEY=sk-3',
    ].join('\r\n');
    expect(secretKeys(text)).toEqual(['CLAUDE_CODE_OAUTH_TOKEN', 'GH_TOKEN', 'CODEX_API_KEY']);
  });
});

describe('login checks', () => {
  const secrets = (keys: string[] = []) => ({ file: SECRETS, keys });

  it('claude: a credentials file holds single-use refresh tokens, so a long-lived token is recommended', async () => {
    const deps = fakeDeps({
      files: { '/home/me/.claude/.credentials.json': { mode: 0o600 }, '/home/me/.claude.json': {} },
    });
    const check = await checkLogin(claude, deps, secrets());
    expect(check).toMatchObject({
      name: 'login.claude',
      status: 'warn',
      detail: expect.stringMatching(
        /\/home\/me\/\.claude\/\.credentials\.json holds single-use refresh tokens/,
      ),
      remedy: `run \`claude setup-token\` and put CLAUDE_CODE_OAUTH_TOKEN=<token> in ${SECRETS} (mode 600)`,
    });
    expect(check.facts?.files).toEqual(['/home/me/.claude/.credentials.json', '/home/me/.claude.json']);
  });

  it('a token in the secrets file makes it ok', async () => {
    const deps = fakeDeps({ files: { '/home/me/.claude/.credentials.json': {} } });
    const check = await checkLogin(claude, deps, secrets(['CLAUDE_CODE_OAUTH_TOKEN']));
    expect(check).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/CLAUDE_CODE_OAUTH_TOKEN in the secrets file/),
    });
  });

  it('follows the env overrides (CLAUDE_CONFIG_DIR, CODEX_HOME, GEMINI_CLI_HOME, GH_CONFIG_DIR)', async () => {
    const deps = fakeDeps({
      env: { CLAUDE_CONFIG_DIR: '/c', CODEX_HOME: '/x', GEMINI_CLI_HOME: '/g', GH_CONFIG_DIR: '/gh' },
      files: {
        '/c/.credentials.json': {},
        '/x/auth.json': {},
        '/g/.gemini/oauth_creds.json': {},
        '/gh': { kind: 'dir' },
        // The defaults must not count any more.
        '/home/me/.claude/.credentials.json': {},
      },
    });
    expect((await checkLogin(claude, deps, secrets())).detail).toContain(
      '/c/.credentials.json (via CLAUDE_CONFIG_DIR)',
    );
    expect((await checkLogin(codex, deps, secrets())).detail).toContain('/x/auth.json (via CODEX_HOME)');
    expect(await checkLogin(gemini, deps, secrets())).toMatchObject({
      status: 'ok',
      detail: 'Gemini CLI: login /g/.gemini/oauth_creds.json (via GEMINI_CLI_HOME)',
    });
    expect(await checkLogin(copilot, deps, secrets())).toMatchObject({
      status: 'ok',
      detail: 'GitHub Copilot CLI: login /gh (via GH_CONFIG_DIR)',
    });
  });

  it('macOS: finds the Claude login in the Keychain with `security`, and says how a launch delivers it', async () => {
    const deps = fakeDeps({
      platform: 'darwin',
      homedir: '/Users/me',
      programs: { security: () => ({ exitCode: 0, stdout: 'keychain: "login.keychain-db"', stderr: '' }) },
    });
    const check = await checkLogin(claude, deps, {
      file: '/Users/me/.config/launch-agent/secrets.env',
      keys: [],
    });
    expect(deps.calls).toEqual([['security', 'find-generic-password', '-s', 'Claude Code-credentials']]);
    expect(check).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /macOS Keychain \(`Claude Code-credentials`\): a launch copies it into the container .*cannot reach the Keychain/,
      ),
      remedy: expect.stringMatching(/claude setup-token/),
      facts: { keychain: true },
    });
  });

  it('macOS: no Keychain item (security exits 44) is no login', async () => {
    const deps = fakeDeps({
      platform: 'darwin',
      programs: { security: () => ({ exitCode: 44, stdout: '', stderr: 'not found' }) },
    });
    const check = await checkLogin(claude, deps, secrets());
    expect(check).toMatchObject({ status: 'warn', facts: { keychain: false } });
    expect(check.detail).toMatch(/no login/);
  });

  it('does not ask for a Keychain off macOS, nor for agents without an item', async () => {
    const linux = fakeDeps();
    await checkLogin(claude, linux, secrets());
    const mac = fakeDeps({ platform: 'darwin' });
    await checkLogin(codex, mac, secrets());
    expect([...linux.calls, ...mac.calls]).toEqual([]);
  });

  it('a token only in the shell env warns: containers get tokens from the secrets file', async () => {
    const check = await checkLogin(copilot, fakeDeps({ env: { GH_TOKEN: 'ghp_x' } }), secrets());
    expect(check).toMatchObject({ status: 'warn', remedy: `put GH_TOKEN=<token> in ${SECRETS} (mode 600)` });
    expect(JSON.stringify(check)).not.toContain('ghp_x');
  });

  it('nothing found: says where it looked and how to log in', async () => {
    const check = await checkLogin(gemini, fakeDeps(), secrets());
    expect(check).toMatchObject({
      status: 'warn',
      detail:
        'Gemini CLI: no login at /home/me/.gemini/oauth_creds.json and no GEMINI_API_KEY / GOOGLE_API_KEY in the secrets file',
      remedy: `log in with \`gemini\` on this host, or put GEMINI_API_KEY=<token> in ${SECRETS} (mode 600)`,
    });
  });
});

describe('code check', () => {
  it('finds an executable `code` on PATH', async () => {
    const deps = fakeDeps({
      env: { PATH: '/opt/bin:/usr/local/bin' },
      files: { '/usr/local/bin/code': { mode: 0o755 } },
    });
    expect(await checkCode(deps)).toMatchObject({ status: 'ok', detail: 'VS Code at /usr/local/bin/code' });
  });

  it('a non-executable file or a directory does not count', async () => {
    const deps = fakeDeps({
      files: { '/usr/bin/code': { mode: 0o644 }, '/bin/code': { kind: 'dir', mode: 0o755 } },
    });
    expect(await checkCode(deps)).toMatchObject({
      status: 'warn',
      remedy: expect.stringMatching(/Install 'code' command in PATH/),
    });
  });

  it('on Windows finds code.cmd through PATHEXT', async () => {
    const deps = fakeDeps({
      platform: 'win32',
      env: { PATH: 'C:\\Windows;C:\\Program Files\\Microsoft VS Code\\bin', PATHEXT: '.COM;.EXE;.CMD' },
      files: { 'C:\\Program Files\\Microsoft VS Code\\bin\\code.cmd': { mode: 0o666 } },
    });
    expect(await checkCode(deps)).toMatchObject({
      status: 'ok',
      facts: { path: 'C:\\Program Files\\Microsoft VS Code\\bin\\code.cmd' },
    });
  });
});

describe('config check', () => {
  const CONFIG = '/home/me/.config/launch-agent/config.toml';
  const withConfig = (userConfig: NonNullable<DoctorDeps['userConfig']>) => ({ ...fakeDeps(), userConfig });

  it('is left out when no loader is given', async () => {
    expect(await checkConfig(fakeDeps())).toEqual([]);
  });

  it('no config.toml is fine', async () => {
    const [check] = await checkConfig(withConfig(async () => ({ files: [], servers: [], warnings: [] })));
    expect(check).toMatchObject({
      name: 'config',
      status: 'ok',
      detail: expect.stringContaining(`no ${CONFIG}`),
    });
  });

  it('lists the MCP servers of a valid file', async () => {
    const [check] = await checkConfig(
      withConfig(async () => ({ files: [CONFIG], servers: ['github', 'fs'], warnings: [] })),
    );
    expect(check).toMatchObject({ status: 'ok', detail: `${CONFIG}: MCP servers github, fs` });
  });

  it('warns with the first warning and how many more', async () => {
    const warnings = [`${CONFIG}:3:1 mcp_servers.x.colour: unknown key`, `${CONFIG}:9:1 other: unknown key`];
    const [check] = await checkConfig(
      withConfig(async () => ({ files: [CONFIG], servers: ['x'], warnings })),
    );
    expect(check).toMatchObject({
      status: 'warn',
      detail: `${CONFIG}: MCP servers x; ${warnings[0]} (and 1 more)`,
    });
  });

  it('fails with the places of an invalid file and its hint', async () => {
    const error = new LaunchError(
      'CONFIG_INVALID',
      `invalid config (1 problem):\n  ${CONFIG}:12:7 mcp_servers.github.args: expected an array of strings`,
      {
        hint: 'fix the places above',
      },
    );
    const [check] = await checkConfig(withConfig(async () => Promise.reject(error)));
    expect(check).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`${CONFIG}:12:7 mcp_servers.github.args`),
      remedy: 'fix the places above',
    });
  });

  it('comes right after git in the report', async () => {
    const report = await runDoctor(withConfig(async () => ({ files: [], servers: [], warnings: [] })));
    const names = report.checks.map((c) => c.name);
    expect(names.indexOf('config')).toBe(names.indexOf('git') + 1);
  });
});

describe('network MTU check', () => {
  const bridgeEngine = (options: Record<string, string>, endpoint: EngineEndpoint = socket): Engine => {
    const engine: Pick<Engine, 'endpoint' | 'info' | 'inspectNetwork'> = {
      endpoint,
      info: async () => dockerInfo,
      inspectNetwork: async (name) => (name === 'bridge' ? { name, driver: 'bridge', options } : undefined),
    };
    return engine as Engine;
  };
  const withMtu = (engine: Engine, platform: NodeJS.Platform = 'linux') => ({
    ...fakeDeps({ engine, platform }),
    hostMtu: async () => ({ iface: 'eth0', mtu: 1400 }),
  });

  it('warns when the bridge (default 1500) is larger than the host link', async () => {
    const report = await runDoctor(withMtu(bridgeEngine({})));
    expect(byName(report.checks, 'network-mtu')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/bridge MTU 1500 exceeds eth0's 1400/),
      remedy: 'set "mtu": 1400 in /etc/docker/daemon.json and restart the engine',
      facts: { bridgeMtu: 1500, hostInterface: 'eth0', hostMtu: 1400 },
    });
    expect(report.checks.map((c) => c.name).slice(0, 4)).toEqual([
      'engine',
      'storage-driver',
      'disk',
      'network-mtu',
    ]);
  });

  it('passes when the engine was configured with the link MTU', async () => {
    const report = await runDoctor(withMtu(bridgeEngine({ 'com.docker.network.driver.mtu': '1400' })));
    expect(byName(report.checks, 'network-mtu')).toMatchObject({
      status: 'ok',
      detail: 'bridge 1400 <= eth0 1400',
    });
  });

  it('is left out off Linux, for remote engines, and without a way to ask', async () => {
    const remote: EngineEndpoint = {
      url: 'tcp://h:2375',
      protocol: 'tcp',
      host: 'h',
      port: 2375,
      source: 'DOCKER_HOST',
    };
    for (const deps of [
      withMtu(bridgeEngine({}), 'darwin'),
      withMtu(bridgeEngine({}, remote)),
      withMtu(fakeEngine(dockerInfo)),
      fakeDeps({ engine: bridgeEngine({}) }),
    ]) {
      expect((await runDoctor(deps)).checks.map((c) => c.name)).not.toContain('network-mtu');
    }
  });
});
