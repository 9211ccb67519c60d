import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentName } from '../../src/agents/types.js';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import { docker, type Fixture, launchEnv, makeFixture, removeContainer } from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';
import { closeAllTerminals, HostTerminal, hostTmuxMissing } from '../helpers/terminal.js';

/**
 * The session model, driven from a real terminal (the host's tmux) with the real images: one agent
 * process per container, in a terminal session inside it, that terminals join and leave. No
 * network: the tokens are fake and nothing may reach the vendors.
 */
const launcher = `${process.execPath} ${binPath}`;

/** The agent's own process: what runs in the session's pane (the login check execs into it). */
function agentPid(name: string): string {
  return docker(
    'exec',
    name,
    'tmux',
    '-L',
    'launch-agent',
    'display-message',
    '-p',
    '-t',
    'agent',
    '#{pane_pid}',
  );
}

/** Process names in the container (ps cuts them at 15 characters). */
function processes(name: string): string[] {
  return docker('exec', name, 'ps', '-eo', 'comm=')
    .split('\n')
    .map((line) => line.trim());
}

function windowSize(name: string): string {
  return docker(
    'exec',
    name,
    'tmux',
    '-L',
    'launch-agent',
    'display-message',
    '-p',
    '#{window_width}x#{window_height}',
  );
}

function tmuxClients(name: string): string[] {
  const out = docker('exec', name, 'tmux', '-L', 'launch-agent', 'list-clients', '-F', '#{client_tty}');
  return out.split('\n').filter(Boolean);
}

interface ListItem {
  name: string;
  activity: string | null;
  exitCode: number | null;
}

async function activityOf(fixture: Fixture, name: string): Promise<ListItem | undefined> {
  const result = await runCli(['list', '--json', '--repo', path.basename(fixture.repo)], {
    env: launchEnv(fixture),
  });
  expect(result.code, result.stderr).toBe(0);
  return parseJson<ListItem[]>(result).find((item) => item.name === name);
}

async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

beforeAll(() => {
  const missing = hostTmuxMissing();
  if (missing) throw new Error(missing);
});
afterAll(() => closeAllTerminals());

describe('agent session (claude) in a real terminal', () => {
  let fixture: Fixture;
  let name: string;
  let pid: string;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`live-${Date.now().toString(36)}`);
    name = `claude-${path.basename(fixture.repo)}-live`;
  });
  afterAll(() => {
    removeContainer(name);
    fixture?.cleanup();
  });

  it('interactive launch runs the agent in the session; closing the terminal leaves it running, nothing orphaned', async () => {
    const term = new HostTerminal(
      'launch',
      `${launcher} ${fixture.repo} --agent claude -b live --auth none --network none`,
      launchEnv(fixture),
    );
    await term.waitFor(/bypass permissions on/, 180_000);
    pid = agentPid(name);
    expect(docker('exec', name, 'ps', '-o', 'comm=', '-p', pid)).toBe('claude');
    expect(tmuxClients(name)).toHaveLength(1);
    expect(windowSize(name)).toBe('110x32');

    term.close();
    // The launcher's lifeline sends the orphaned terminal client away.
    await until(
      'tmux clients after the terminal closed',
      () => tmuxClients(name),
      (c) => c.length === 0,
    );
    expect(agentPid(name)).toBe(pid);
    expect(docker('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
    const left = processes(name);
    expect(left.filter((p) => p === 'claude')).toHaveLength(1);
    expect(left.filter((p) => p.startsWith('launch-agent-se'))).toEqual([]);
  });

  it('two attaches join the one agent; Ctrl-P Ctrl-Q reach it; the detach key returns with the terminal restored', async () => {
    const env = launchEnv(fixture);
    const first = new HostTerminal('attach1', `${launcher} attach ${name}`, env, { columns: 100, rows: 30 });
    const second = new HostTerminal('attach2', `${launcher} attach ${name}`, env, { columns: 90, rows: 26 });
    await first.waitFor(/bypass permissions on/);
    await second.waitFor(/bypass permissions on/);
    expect(tmuxClients(name)).toHaveLength(2);
    expect(agentPid(name)).toBe(pid);
    expect(processes(name).filter((p) => p === 'claude')).toHaveLength(1);
    expect(first.flag('alternate_on')).toBe('1');
    // Both see the whole agent: the window fits the smaller terminal.
    expect(windowSize(name)).toBe('90x26');

    // Docker's own detach keys: passed to the agent, nobody leaves.
    first.keys('C-p', 'C-q');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(first.text()).not.toMatch(/LEFT=/);
    expect(tmuxClients(name)).toHaveLength(2);
    expect(agentPid(name)).toBe(pid);

    for (const term of [first, second]) {
      term.keys('C-]');
      const text = await term.waitFor(/LEFT=\d+/, 20_000);
      expect(text).toMatch(/LEFT=0/);
      expect(text).toMatch(/Ctrl-\] leaves it running/);
      expect(text).toMatch(new RegExp(`${name} keeps running`));
      for (const mode of ['alternate_on', 'mouse_any_flag', 'keypad_cursor_flag', 'keypad_flag']) {
        expect(`${mode}=${term.flag(mode)}`).toBe(`${mode}=0`);
      }
      expect(term.flag('cursor_flag')).toBe('1');
    }
    expect(agentPid(name)).toBe(pid);
    expect(tmuxClients(name)).toEqual([]);
  });

  it('logs holds the agent’s screen: the login check’s line, then the agent', async () => {
    const result = await runCli(['logs', name], { env: launchEnv(fixture) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /launch-agent: claude login found: \$CLAUDE_CODE_OAUTH_TOKEN \(secrets file\)/,
    );
    expect(result.stdout).toMatch(/Claude Code/);
    expect(result.stdout).not.toMatch(/@@launch-agent-keeper@@/);
    const tail = await runCli(['logs', name, '--tail', '3'], { env: launchEnv(fixture) });
    expect(tail.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('the workspace fingerprint --prompt compares follows the files, the index and commits, not reads', async () => {
    const { workFingerprint } = await import('../../src/core/sessions/prompt-run.js');
    const { DockerodeEngine } = await import('../../src/docker/dockerode-engine.js');
    const { resolveEndpoint } = await import('../../src/docker/connect.js');
    const engine = new DockerodeEngine(resolveEndpoint());
    const id = docker('inspect', '--format', '{{.Id}}', name);
    const seen = [await workFingerprint(engine, id)];
    expect(await workFingerprint(engine, id)).toBe(seen[0]);
    for (const change of [
      'echo more >> tracked.txt',
      'echo new > brand-new.txt',
      'git add brand-new.txt',
      'git commit -qm agent-work',
    ]) {
      docker('exec', '-w', '/workspace', name, 'sh', '-c', change);
      const next = await workFingerprint(engine, id);
      expect(seen, change).not.toContain(next);
      seen.push(next);
    }
  });

  it('list --json shows the activity, exited (and wait returns) once the agent ends; attach -- ARGS starts it again', async () => {
    const running = await until(
      'activity',
      () => activityOf(fixture, name),
      (i) => i?.activity !== 'working',
    );
    expect(['idle', 'waiting']).toContain(running?.activity);
    const waited = await runCli(['wait', name, '--json', '--timeout', '60', '--bell'], {
      env: launchEnv(fixture),
    });
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toBe('\x07');
    expect(parseJson(waited)).toMatchObject({ name, exitCode: null });

    docker('exec', name, 'kill', pid);
    const exited = await until(
      'activity',
      () => activityOf(fixture, name),
      (i) => i?.activity === 'exited',
    );
    expect(exited).toMatchObject({ activity: 'exited' });
    const table = await runCli(['list', '--repo', path.basename(fixture.repo)], { env: launchEnv(fixture) });
    expect(table.stdout).toMatch(/ACTIVITY/);
    expect(table.stdout).toMatch(new RegExp(`${name} .* exited`));
    const afterExit = await runCli(['wait', name, '--json'], { env: launchEnv(fixture) });
    expect(parseJson(afterExit)).toMatchObject({ activity: 'exited' });
    expect(afterExit.code).not.toBe(0);

    const again = await runCli(['attach', name, '--no-tty', '--', '--verbose'], { env: launchEnv(fixture) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/started the agent/);
    const restarted = agentPid(name);
    expect(restarted).not.toBe(pid);
    const cmdline = docker('exec', name, 'cat', `/proc/${restarted}/cmdline`).split('\0');
    expect(cmdline).toContain('--verbose');
    await until(
      'activity',
      () => activityOf(fixture, name),
      (i) => i?.activity !== 'exited' && i?.activity !== null,
    );
    // Running already: the arguments are not used, and attach says so.
    const twice = await runCli(['attach', name, '--no-tty', '--json', '--', '--model', 'x'], {
      env: launchEnv(fixture),
    });
    expect(parseJson(twice)).toMatchObject({ started: false });
    expect(agentPid(name)).toBe(restarted);
  });
});

describe('--prompt cleans up after itself', () => {
  let fixture: Fixture;
  const names: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('gemini');
    fixture = makeFixture(`prompt-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  const run = (feature: string, extra: string[]) => {
    const empty = path.join(fixture.dir, 'empty.env');
    writeFileSync(empty, '');
    const name = `gemini-${path.basename(fixture.repo)}-${feature}`;
    names.push(name);
    const args = [fixture.repo, '--agent', 'gemini', '-b', feature, '--auth', 'none', '--secrets', empty];
    return {
      name,
      result: runCli([...args, '--network', 'none', '--prompt', 'say hi', ...extra], {
        env: launchEnv(fixture),
      }),
    };
  };

  it('leaves no container or volume when the agent left no work (the host’s own changes are not its work)', async () => {
    const { name, result } = run('gone', []);
    const done = await result;
    // Gemini CLI's exit code for "no auth method", from its headless mode.
    expect(done.code, done.stderr).toBe(41);
    expect(docker('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}')).toBe('');
    expect(docker('volume', 'ls', '--filter', `name=^${name}-workspace$`, '--format', '{{.Name}}')).toBe('');
  });

  it('--keep keeps it and says why, on stderr and in --json', async () => {
    const { name, result } = run('kept', ['--keep', '--json']);
    const done = await result;
    expect(done.code).toBe(41);
    const doc = parseJson<{ name: string; prompt: { exitCode: number; removed: boolean; kept: string } }>(
      done,
    );
    expect(doc.name).toBe(name);
    expect(doc.prompt).toMatchObject({ exitCode: 41, removed: false });
    expect(doc.prompt.kept).toMatch(new RegExp(`^kept ${name}: as --keep asked`));
    expect(done.stderr).toContain(doc.prompt.kept);
    expect(docker('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
  });
});

/** Words of the dialogs that stop a first start: logins, login methods, folder trust, onboarding. */
const DIALOG =
  /sign in with|choose how you want|how would you like to authenticate|select (a |your )?(login|auth)|do you trust|trust (this|the) (folder|files|directory)|confirm folder trust|press enter to continue|choose the text style/i;
const mainScreen: Record<AgentName, RegExp> = {
  claude: /bypass permissions on/,
  codex: /OpenAI Codex \(v/,
  copilot: /Copilot v\d/,
  gemini: /Type your message/,
};

describe.each(Object.keys(mainScreen) as AgentName[])(
  'first start of %s with a token in the secrets file',
  (agent) => {
    let fixture: Fixture;
    let name: string;

    beforeAll(async () => {
      await ensureTestImages(agent);
      fixture = makeFixture(`first-${agent}-${Date.now().toString(36)}`);
      name = `${agent}-${path.basename(fixture.repo)}-first`;
    });
    afterAll(() => {
      removeContainer(name);
      fixture?.cleanup();
    });

    it('shows no blocking dialog, and the login check’s one line is in its screen history', async () => {
      const term = new HostTerminal(
        `first-${agent}`,
        `${launcher} ${fixture.repo} --agent ${agent} -b first --auth none --network none`,
        { ...launchEnv(fixture), COLORTERM: 'truecolor' },
        { columns: 120, rows: 40 },
      );
      await term.waitFor(mainScreen[agent], 180_000);
      // Dialogs can come a moment after the first paint.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const screen = term.text();
      console.log(`--- first screen of ${agent} ---\n${screen}\n---`);
      expect(screen).toMatch(mainScreen[agent]);
      expect(screen).not.toMatch(DIALOG);
      const logs = await runCli(['logs', name], { env: launchEnv(fixture) });
      expect(logs.stdout).toMatch(new RegExp(`launch-agent: ${agent} login found: .*\\(secrets file\\)`));
      expect(logs.stdout).not.toMatch(/no .* login found/);
      term.close();
    });
  },
);
