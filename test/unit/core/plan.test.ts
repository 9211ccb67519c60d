import { describe, expect, it } from 'vitest';
import { claude } from '../../../src/agents/claude.js';
import { codex } from '../../../src/agents/codex.js';
import type { AuthLocation } from '../../../src/agents/types.js';
import { deliveryOf } from '../../../src/core/launch/deliver-label.js';
import { chooseUser, type LaunchOptions, type PlanInputs, planLaunch } from '../../../src/core/plan.js';
import { Labels } from '../../../src/docker/labels.js';
import { LaunchError } from '../../../src/errors.js';
import type { RepoFacts } from '../../../src/git/repo.js';

const repo: RepoFacts = {
  root: '/home/dev/My Repo',
  name: 'My Repo',
  gitDir: '/home/dev/My Repo/.git',
  commonDir: '/home/dev/My Repo/.git',
  head: { commit: 'a'.repeat(40), branch: 'main' },
  originUrl: 'git@github.com:me/my-repo.git',
  userName: 'Dev',
  userEmail: 'dev@example.com',
  branches: { main: 'a'.repeat(40), 'claude/old': 'b'.repeat(40) },
  owner: { uid: 1234, gid: 2345 },
};

const credentials: AuthLocation = {
  hostPath: '/home/dev/.claude/.credentials.json',
  homePath: '.claude/.credentials.json',
  kind: 'file',
  credentialFiles: ['.'],
};
const settings: AuthLocation = {
  hostPath: '/home/dev/.claude/settings.json',
  homePath: '.claude/settings.json',
  kind: 'file',
  credentialFiles: [],
};

function inputs(options: Partial<LaunchOptions> = {}, extra: Partial<PlanInputs> = {}): PlanInputs {
  return {
    options: { source: '.', agent: 'claude', mode: 'detach', ...options },
    agent: claude,
    repo,
    source: { kind: 'local', value: repo.root },
    platform: 'linux',
    authFound: [credentials, settings],
    secretsFile: '/home/dev/.config/launch-agent/secrets.env',
    launcherVersion: '1.2.3',
    now: new Date('2026-11-25T10:00:00Z'),
    randomId: 'k3x9q2',
    shareObjects: true,
    ...extra,
  };
}

function usageError(fn: () => unknown): LaunchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchError);
    return error as LaunchError;
  }
  throw new Error('expected a LaunchError');
}

describe('planLaunch', () => {
  it('names the container <agent>-<repo>-<feature>, lowercase and docker-safe, on branch <agent>/<feature>', () => {
    const plan = planLaunch(inputs({ feature: 'Fix-Login' }));
    expect(plan.name).toBe('claude-my-repo-fix-login');
    expect(plan.branch).toBe('claude/Fix-Login');
    expect(plan.volume).toBe('claude-my-repo-fix-login-workspace');
  });

  it('uses the random id as the feature when none is given', () => {
    const plan = planLaunch(inputs());
    expect(plan.branch).toBe('claude/k3x9q2');
    expect(plan.name).toBe('claude-my-repo-k3x9q2');
  });

  it('labels everything the other commands find it by', () => {
    const plan = planLaunch(inputs({ feature: 'feat' }));
    expect(plan.labels).toMatchObject({
      [Labels.managed]: 'true',
      [Labels.kind]: 'container',
      [Labels.agent]: 'claude',
      [Labels.repo]: 'My Repo',
      [Labels.source]: repo.root,
      [Labels.branch]: 'claude/feat',
      [Labels.volume]: 'claude-my-repo-feat-workspace',
      [Labels.version]: '1.2.3',
      [Labels.created]: '2026-11-25T10:00:00.000Z',
      [Labels.hostGitDir]: repo.commonDir,
      [Labels.network]: 'bridge',
    });
  });

  it('has safe defaults: 2 CPUs, 4 GiB, 512 PIDs, no new privileges, all capabilities dropped, bridge', () => {
    const plan = planLaunch(inputs());
    expect(plan.nanoCpus).toBe(2e9);
    expect(plan.memoryBytes).toBe(4 * 1024 ** 3);
    expect(plan.pidsLimit).toBe(512);
    expect(plan.securityOpt).toEqual(['no-new-privileges:true']);
    expect(plan.capDrop).toEqual(['ALL']);
    expect(plan.network).toBe('bridge');
  });

  it('takes the repo owner uid/gid on Linux, keeps 1000 for a root-owned repo and elsewhere', () => {
    expect(planLaunch(inputs()).user).toEqual({ uid: 1234, gid: 2345 });
    const rootOwned = chooseUser('linux', { uid: 0, gid: 0 });
    expect(rootOwned.user).toEqual({ uid: 1000, gid: 1000 });
    expect(rootOwned.ownerWarning).toMatch(/uid 1000/);
    expect(chooseUser('darwin', { uid: 501, gid: 20 }).user).toEqual({ uid: 1000, gid: 1000 });
  });

  it('mounts nothing of the host repo writable: only its objects, read-only, when shared', () => {
    const plan = planLaunch(inputs());
    expect(plan.shareObjects).toBe(true);
    expect(plan.mounts).toContainEqual({
      type: 'bind',
      source: `${repo.commonDir}/objects`,
      target: '/run/launch-agent/host-objects',
      readOnly: true,
    });
    const writableHost = plan.mounts.filter(
      (m) =>
        m.type === 'bind' &&
        !m.readOnly &&
        (m.source.startsWith(repo.root) || m.source.startsWith(repo.commonDir)),
    );
    expect(writableHost).toEqual([]);
    expect(plan.mounts).toContainEqual({
      type: 'volume',
      source: plan.volume,
      target: '/workspace',
      noCopy: true,
    });
    // An engine that cannot see this machine's files gets no mount of the repo at all.
    const remote = planLaunch(inputs({}, { shareObjects: false }));
    expect(remote.shareObjects).toBe(false);
    expect(
      remote.mounts.filter((m) => m.source.startsWith(repo.root) || m.source.startsWith(repo.commonDir)),
    ).toEqual([]);
  });

  it('refuses names that cannot name the session refs in the host repo', () => {
    expect(usageError(() => planLaunch(inputs({ name: 'a..b' }))).message).toMatch(/--name/);
    expect(usageError(() => planLaunch(inputs({ name: 'ab.lock' }))).message).toMatch(/--name/);
  });

  it('mounts credential files read-only and links them; copies settings; mounts the secrets file read-only', () => {
    const plan = planLaunch(inputs());
    const target = '/run/launch-agent/auth/claude/.claude/.credentials.json';
    expect(plan.mounts).toContainEqual({
      type: 'bind',
      source: credentials.hostPath,
      target,
      readOnly: true,
    });
    expect(plan.authLinks).toEqual([{ homePath: '.claude/.credentials.json', target }]);
    expect(plan.homeCopies).toEqual([settings]);
    expect(plan.mounts).toContainEqual({
      type: 'bind',
      source: '/home/dev/.config/launch-agent/secrets.env',
      target: '/run/launch-agent/secrets.env',
      readOnly: true,
    });
  });

  it('--auth rw mounts the credential file read-write; --auth none mounts no login', () => {
    const rw = planLaunch(inputs({ auth: 'rw' }));
    expect(rw.mounts.find((m) => m.source === credentials.hostPath)?.readOnly).toBe(false);
    const none = planLaunch(inputs({ auth: 'none' }));
    expect(none.mounts.some((m) => m.target.startsWith('/run/launch-agent/auth'))).toBe(false);
    expect(none.homeCopies).toEqual([]);
  });

  it('never puts a secret into the container env; -e values are passed, agent env added', () => {
    const plan = planLaunch(inputs({ env: ['DEBUG=1'] }));
    expect(plan.env).toContain('DEBUG=1');
    expect(plan.env).toContain('DISABLE_AUTOUPDATER=1');
    expect(plan.env.join('\n')).not.toMatch(/TOKEN|API_KEY/);
    const codexPlan = planLaunch({
      ...inputs(),
      agent: codex,
      options: { source: '.', agent: 'codex', mode: 'detach' },
    });
    expect(codexPlan.env).toContain('CODEX_HOME=/home/agent/.codex');
  });

  it('rejects bad input with what was expected and what was given', () => {
    expect(usageError(() => planLaunch(inputs({ memory: 'lots' }))).message).toBe(
      '--memory must be a size such as 4g, 512m or 2GiB, got `lots`',
    );
    expect(usageError(() => planLaunch(inputs({ cpus: 'abc' }))).message).toBe(
      '--cpus must be a positive number, got `abc`',
    );
    expect(usageError(() => planLaunch(inputs({ cpus: '0' }))).message).toMatch(/--cpus/);
    expect(usageError(() => planLaunch(inputs({ pids: '-1' }))).message).toMatch(/--pids/);
    expect(usageError(() => planLaunch(inputs({ network: 'host' }))).message).toMatch(
      /--network must be bridge, none or allowlist, got `host`/,
    );
    expect(usageError(() => planLaunch(inputs({ env: ['NOEQUALS'] }))).message).toMatch(
      /-e must be KEY=VALUE/,
    );
    expect(usageError(() => planLaunch(inputs({ feature: 'a..b' }))).message).toMatch(/--branch/);
    expect(usageError(() => planLaunch(inputs({ feature: 'has space' }))).message).toMatch(/--branch/);
    expect(usageError(() => planLaunch(inputs({ mode: 'prompt', prompt: '  ' }))).message).toMatch(
      /--prompt/,
    );
    expect(usageError(() => planLaunch(inputs({ name: '-bad' }))).message).toMatch(/--name/);
  });

  it('refuses a branch that already exists on the host, naming how to go on', () => {
    const error = usageError(() => planLaunch(inputs({ feature: 'old' })));
    expect(error.message).toMatch(/claude\/old already exists/);
    expect(error.hint).toMatch(/-b/);
  });

  it('accepts memory sizes docker accepts', () => {
    expect(planLaunch(inputs({ memory: '512m' })).memoryBytes).toBe(512 * 1024 ** 2);
    expect(planLaunch(inputs({ memory: '2GiB' })).memoryBytes).toBe(2 * 1024 ** 3);
    expect(planLaunch(inputs({ cpus: '0.5' })).nanoCpus).toBe(5e8);
    expect(planLaunch(inputs({ network: 'none' })).network).toBe('none');
  });

  it('allowlist: the proxy in both spellings of HTTP(S)_PROXY and NO_PROXY, the mode as a label', () => {
    const plan = planLaunch(inputs({ network: 'allowlist', allow: ['API.Example.com', '*.corp.example'] }));
    expect(plan.network).toBe('allowlist');
    expect(plan.containerNetwork).toBe('claude-my-repo-k3x9q2-egress');
    expect(plan.labels[Labels.network]).toBe('allowlist');
    expect(plan.allow).toEqual(['api.example.com', '*.corp.example']);
    for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'])
      expect(plan.env).toContain(`${key}=http://egress-proxy:8888`);
    expect(plan.env).toContain('NO_PROXY=localhost,127.0.0.1,::1');
    expect(plan.env).toContain('no_proxy=localhost,127.0.0.1,::1');
    expect(plan.dnsOptions).toEqual(['timeout:1', 'attempts:1']);
    expect(planLaunch(inputs()).env.some((e) => /proxy/i.test(e))).toBe(false);
    expect(planLaunch(inputs()).dnsOptions).toEqual([]);
  });

  it('refuses --allow outside allowlist mode and hosts that are not host names', () => {
    const outside = usageError(() => planLaunch(inputs({ allow: ['example.com'] })));
    expect(outside.message).toBe('--allow needs --network allowlist, got --network bridge');
    expect(outside.hint).toMatch(/--network allowlist/);
    for (const bad of ['https://example.com', 'example.com:443', 'example.com/x', '*', 'a..b', '']) {
      const error = usageError(() => planLaunch(inputs({ network: 'allowlist', allow: [bad] })));
      expect(error.code).toBe('USAGE');
      expect(error.message).toMatch(/^--allow: expected a host name like api\.example\.com/);
    }
  });
});

describe('planLaunch on an engine that cannot see this machine (deliver)', () => {
  const key = Buffer.alloc(32, 9);
  const gh: AuthLocation = {
    hostPath: '/home/dev/.config/gh',
    homePath: '.config/gh',
    kind: 'dir',
    credentialFiles: ['hosts.yml'],
  };

  it('bind-mounts nothing: logins and the secrets file become deliveries into a tmpfs, recorded in a label', () => {
    const plan = planLaunch(inputs({}, { deliver: { key }, authFound: [credentials, settings, gh] }));
    expect(plan.mounts.filter((m) => m.type === 'bind')).toEqual([]);
    expect(plan.mounts).toContainEqual(
      expect.objectContaining({ type: 'tmpfs', target: '/run/launch-agent' }),
    );
    const deliveries = [
      {
        source: credentials.hostPath,
        target: '/run/launch-agent/auth/claude/.claude/.credentials.json',
        kind: 'file',
      },
      { source: gh.hostPath, target: '/run/launch-agent/auth/claude/.config/gh', kind: 'dir' },
      {
        source: '/home/dev/.config/launch-agent/secrets.env',
        target: '/run/launch-agent/secrets.env',
        kind: 'file',
      },
    ];
    expect(plan.deliveries).toEqual(deliveries);
    expect(deliveryOf(plan.labels, key)).toEqual({ gid: 2345, files: deliveries });
    // The home links to the same places either way; settings are still copied in.
    expect(plan.authLinks.map((l) => l.target)).toEqual(deliveries.slice(0, 2).map((d) => d.target));
    expect(plan.homeCopies).toEqual([settings]);
  });

  it('has no tmpfs and no label when there is nothing to deliver', () => {
    const plan = planLaunch(inputs({ auth: 'none' }, { deliver: { key }, secretsFile: undefined }));
    expect(plan.deliveries).toEqual([]);
    expect(plan.mounts.map((m) => m.type)).toEqual(['volume']);
    expect(plan.labels[Labels.deliver]).toBeUndefined();
  });

  it('delivers nothing where the engine binds them', () => {
    const plan = planLaunch(inputs());
    expect(plan.deliveries).toEqual([]);
    expect(plan.mounts.some((m) => m.type === 'tmpfs')).toBe(false);
    expect(plan.labels[Labels.deliver]).toBeUndefined();
  });

  it('refuses --auth rw, which needs a bind mount to write the login back', () => {
    const error = usageError(() => planLaunch(inputs({ auth: 'rw' }, { deliver: { key } })));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('--auth rw needs an engine on this machine, and this one runs elsewhere');
    expect(error.hint).toMatch(/--auth ro .* CLAUDE_CODE_OAUTH_TOKEN/);
  });
});
