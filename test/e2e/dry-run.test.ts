import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DryRunPlan } from '../../src/core/launch/dry-run.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { type Fixture, makeFixture, ourObjects } from '../helpers/fixtures.js';

/**
 * `launch --dry-run --json` runs the real source, path and plan code and prints the plan. Fed
 * Windows-shaped inputs the way a WSL shell gets them (a path pasted from Explorer, an engine
 * over a named pipe), on Linux; the engine is never asked (DOCKER_HOST points at nothing or at a
 * Windows pipe), so nothing can be created.
 */
describe('launch --dry-run', () => {
  let fixture: Fixture;
  const nowhere = { DOCKER_HOST: 'unix:///tmp/launch-agent-no-engine.sock' };
  const dry = (source: string, env: NodeJS.ProcessEnv = {}, ...args: string[]) =>
    runCli([source, '--agent', 'claude', '-b', 'dry', '--dry-run', '--json', ...args], {
      env: { ...fixture.env, ...nowhere, ...env },
    });

  beforeAll(() => {
    fixture = makeFixture('dry-repo');
  });
  afterAll(() => fixture.cleanup());

  it('prints the plan and creates nothing, without an engine', async () => {
    const result = await dry(fixture.repo);
    expect(result.code, result.stderr).toBe(0);
    const plan = parseJson<DryRunPlan>(result);
    expect(plan).toMatchObject({
      dryRun: true,
      name: 'claude-dry-repo-dry',
      branch: 'claude/dry',
      repo: fixture.repo,
      user: '1234:1234',
      network: 'bridge',
      engine: { url: nowhere.DOCKER_HOST, protocol: 'unix', source: 'DOCKER_HOST' },
    });
    // A unix socket on Linux: assumed local (not asked), so the helper copy and the shared history.
    expect(plan.copy.method).toBe('bind');
    expect(plan.mounts.map((m) => [m.source, m.target, m.readOnly])).toEqual(
      expect.arrayContaining([
        [`${fixture.repo}/.git/objects`, '/run/launch-agent/host-objects', true],
        [
          `${fixture.home}/.claude/.credentials.json`,
          '/run/launch-agent/auth/claude/.claude/.credentials.json',
          true,
        ],
      ]),
    );
    expect(plan.env).toContain('HOME');
    // Nothing of its name exists (other tests on the same engine may create theirs meanwhile).
    const ours = ourObjects();
    expect(ours.containers.filter((n) => n.startsWith('claude-dry-repo'))).toEqual([]);
    expect(ours.volumes.filter((n) => n.startsWith('claude-dry-repo'))).toEqual([]);
  });

  it('in WSL: a \\\\wsl$ or \\\\wsl.localhost path of this distro launches its Linux folder; an npipe engine is named', async () => {
    const windowsShaped = fixture.repo.replace(/\//g, '\\');
    for (const share of ['\\\\wsl$\\Ubuntu', '\\\\wsl.localhost\\Ubuntu', '//wsl$/Ubuntu']) {
      const result = await dry(`${share}${share.startsWith('//') ? fixture.repo : windowsShaped}`, {
        WSL_DISTRO_NAME: 'Ubuntu',
        DOCKER_HOST: 'npipe:////./pipe/docker_engine',
      });
      expect(result.code, result.stderr).toBe(0);
      const plan = parseJson<DryRunPlan>(result);
      expect(plan.repo).toBe(fixture.repo);
      expect(plan.source).toBe(fixture.repo);
      // An engine over a pipe: the tar stream, and no host history to share.
      expect(plan.copy).toEqual({ method: 'stream', reason: 'the engine is reached over npipe' });
      expect(plan.mounts.map((m) => m.target)).not.toContain('/run/launch-agent/host-objects');
      expect(plan.mounts.map((m) => m.source)).toContain(`${fixture.home}/.claude/.credentials.json`);

      expect(plan.engine).toEqual({
        url: 'npipe:////./pipe/docker_engine',
        protocol: 'npipe',
        socketPath: '//./pipe/docker_engine',
        source: 'DOCKER_HOST',
      });
    }
  });

  it('in WSL: C:\\ paths go to /mnt/c, other distros and network shares are refused with what to do', async () => {
    const wsl = { WSL_DISTRO_NAME: 'Ubuntu' };
    const drive = await dry('C:\\src\\no-such-repo', wsl);
    expect(drive.code).toBe(4);
    expect(parseJson<{ error: { message: string } }>(drive).error.message).toBe(
      'no such folder: /mnt/c/src/no-such-repo',
    );
    const other = await dry('\\\\wsl$\\Debian\\home\\me\\repo', wsl);
    expect(other.code).toBe(2);
    expect(parseJson<{ error: { hint: string } }>(other).error.hint).toBe(
      'run launch-agent inside that distro, on the Linux path: wsl -d Debian -- launch-agent /home/me/repo',
    );
    const unc = await dry('\\\\fileserver\\team\\repo', wsl);
    expect(unc.code).toBe(2);
    expect(parseJson<{ error: { message: string } }>(unc).error.message).toMatch(/network share/);
  });

  it('an engine elsewhere (ssh): logins and secrets are delivered, not mounted', async () => {
    const result = await dry(fixture.repo, { DOCKER_HOST: 'ssh://dev@build.example' });
    expect(result.code, result.stderr).toBe(0);
    const plan = parseJson<DryRunPlan>(result);
    expect(plan.engine).toMatchObject({ protocol: 'ssh', url: 'ssh://dev@build.example' });
    expect(plan.mounts.filter((m) => m.type === 'bind')).toEqual([]);
    expect(plan.deliveries).toEqual(
      expect.arrayContaining(['/run/launch-agent/auth/claude/.claude/.credentials.json']),
    );
  });

  it('takes repeatable flags more than once (-e, --allow)', async () => {
    const result = await dry(
      fixture.repo,
      {},
      '-e',
      'FIRST=1',
      '-e',
      'SECOND=2',
      '--network',
      'allowlist',
      '--allow',
      'a.example.io',
      '--allow',
      'b.example.io',
    );
    expect(result.code, result.stderr).toBe(0);
    const plan = parseJson<DryRunPlan & { allow?: Array<{ host: string }> }>(result);
    expect(plan.env).toEqual(expect.arrayContaining(['FIRST', 'SECOND']));
    expect(plan.allow?.map((a) => a.host)).toEqual(expect.arrayContaining(['a.example.io', 'b.example.io']));
  });

  it('refuses a URL (it would clone) and needs nothing else', async () => {
    const url = await dry('https://example.com/acme/demo.git');
    expect(url.code).toBe(2);
    expect(parseJson<{ error: { message: string } }>(url).error.message).toMatch(
      /--dry-run plans launches of local folders/,
    );
  });
});
