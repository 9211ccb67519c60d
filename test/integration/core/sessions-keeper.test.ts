import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEEPER_CONTAINER,
  KEEPER_MARK,
  keeperRequest,
  parseKeeperReply,
} from '../../../src/core/sessions/keeper.js';
import { containerLogs } from '../../../src/core/sessions/logs.js';
import { workSummaryOfRunning } from '../../../src/core/sessions/work-state.js';
import { resolveEndpoint } from '../../../src/docker/connect.js';
import { DockerodeEngine } from '../../../src/docker/dockerode-engine.js';
import type { ContainerSpec } from '../../../src/docker/engine.js';
import { LaunchError } from '../../../src/errors.js';
import { testBaseImage } from '../../setup/global-engine.js';

const engine = new DockerodeEngine(resolveEndpoint());
const suffix = `${process.pid}-${Date.now().toString(36)}`;

/**
 * The test base image has no git: a stand-in answers the keeper's two git commands from files
 * the tests write, logs its arguments, and can be made to fail or hang. The keeper script itself
 * is the real one, run by the image's dash.
 */
const FAKE_GIT = `mkdir -p /tmp/bin /workspace/.git
echo 'ref: refs/heads/agent/x' > /workspace/.git/HEAD
cat > /tmp/bin/git <<'EOF'
#!/bin/sh
echo "$*" >> /tmp/git-args
[ -e /tmp/wedge ] && sleep 3
[ -e /tmp/fail ] && exit 128
case $1 in
  rev-list) cat /tmp/ahead 2>/dev/null || echo 0 ;;
  --no-optional-locks) cat /tmp/changes 2>/dev/null || true ;;
esac
EOF
chmod +x /tmp/bin/git
export PATH=/tmp/bin:$PATH
`;

function spec(name: string, openStdin: boolean): ContainerSpec {
  return {
    name,
    image: testBaseImage(),
    labels: { 'dev.launch-agent.test': 'keeper' },
    env: [],
    ...KEEPER_CONTAINER,
    cmd: ['sh', '-c', FAKE_GIT + KEEPER_CONTAINER.cmd[2]],
    openStdin,
    mounts: [],
    nanoCpus: 1e9,
    memoryBytes: 256 * 1024 ** 2,
    pidsLimit: 64,
    network: 'none',
    securityOpt: ['no-new-privileges:true'],
    capDrop: ['ALL'],
    capAdd: [],
  };
}

const ids: string[] = [];
let id = '';

async function sh(script: string): Promise<string> {
  const result = await engine.exec(id, { cmd: ['sh', '-c', script] });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

/** Protocol 2's activity line, from a container where no agent session was ever started. */
const NO_SESSION = { session: false };
const summary = (timeoutMs = 20_000) => workSummaryOfRunning(engine, id, { keeper: true, timeoutMs });

describe('the keeper in a real container, asked over attach', () => {
  beforeAll(async () => {
    id = await engine.createContainer(spec(`la-it-keeper-${suffix}`, true));
    ids.push(id);
    await engine.startContainer(id);
  });

  afterAll(async () => {
    for (const c of ids) await engine.removeContainer(c, { force: true });
  });

  it('answers with what git reports, walking HEAD only when it is detached', async () => {
    expect(await summary()).toEqual({ ahead: 0, uncommitted: false, activity: NO_SESSION, ready: false });
    await sh('echo 3 > /tmp/ahead; echo "? new.txt" > /tmp/changes');
    expect(await summary()).toEqual({ ahead: 3, uncommitted: true, activity: NO_SESSION, ready: false });
    await sh('echo 0123456789abcdef0123456789abcdef01234567 > /workspace/.git/HEAD; : > /tmp/changes');
    expect(await summary()).toEqual({ ahead: 3, uncommitted: false, activity: NO_SESSION, ready: false });
    const args = (await sh('cat /tmp/git-args')).trim().split('\n');
    expect(args.slice(0, 2)).toEqual([
      'rev-list --count --branches --not --glob=refs/launch-agent --',
      '--no-optional-locks status --porcelain=v2 --show-stash --no-renames',
    ]);
    expect(args.at(-2)).toBe('rev-list --count HEAD --branches --not --glob=refs/launch-agent --');
  });

  it('gives concurrent clients each their own reply, and ignores what is not a request', async () => {
    const nonces = Array.from({ length: 8 }, (_, i) => `c${i}${suffix.replace(/[^0-9a-z]/g, '')}`);
    const outputs = await Promise.all(
      nonces.map((nonce, i) =>
        engine.attachRequest(id, {
          // Noise and a bad nonce first: the keeper must skip them and still answer.
          input: `${i === 0 ? 'hello\nlaunch-agent-status BAD!\n' : ''}${keeperRequest(nonce)}`,
          until: (out) => parseKeeperReply(out, nonce) !== undefined,
          signal: AbortSignal.timeout(20_000),
        }),
      ),
    );
    outputs.forEach((out, i) => {
      expect(parseKeeperReply(out, nonces[i]!)).toEqual({
        ok: true,
        ahead: 3,
        uncommitted: false,
        ready: false,
      });
    });
    const log = execFileSync('docker', ['logs', id], { encoding: 'utf8' });
    for (const nonce of nonces) expect(log).toMatch(new RegExp(`${KEEPER_MARK} ${nonce} ok 3 0( [01])?\n`));
    expect(log).not.toContain('BAD');
    // Every client detached; stdin stays open, so the keeper still answers.
    expect(await summary()).toEqual({ ahead: 3, uncommitted: false, activity: NO_SESSION, ready: false });
  });

  it('reports a failing git as a failure, never as clean', async () => {
    await sh('touch /tmp/fail');
    try {
      const error = await summary().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LaunchError);
      expect((error as LaunchError).code).toBe('COMMAND_FAILED');
    } finally {
      await sh('rm /tmp/fail');
    }
  });

  it('gives up on a wedged git within the timeout, and answers again once it is done', async () => {
    await sh('touch /tmp/wedge');
    const started = Date.now();
    await expect(summary(300)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    await sh('rm /tmp/wedge');
    expect(await summary()).toEqual({ ahead: 3, uncommitted: false, activity: NO_SESSION, ready: false });
  });

  it("keeps its replies out of the container's logs, and counts --tail without them", async () => {
    await sh('echo real-out > /proc/1/fd/1; echo real-err > /proc/1/fd/2');
    await summary();
    const out = collect();
    const err = collect();
    await containerLogs(engine, id, { tail: 2, stdout: out.stream, stderr: err.stream });
    expect([out.text(), err.text()]).toEqual(['real-out\n', 'real-err\n']);
    const all = collect();
    await containerLogs(engine, id, { stdout: all.stream, stderr: collect().stream });
    expect(all.text()).toBe('real-out\n');
  });

  it('exec with a signal detaches when it aborts', async () => {
    const started = Date.now();
    await expect(
      engine.exec(id, { cmd: ['sleep', '30'], signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('becomes `sleep infinity` when stdin ends (a container made without OpenStdin)', async () => {
    const closed = await engine.createContainer(spec(`la-it-keeper-nostdin-${suffix}`, false));
    ids.push(closed);
    await engine.startContainer(closed);
    let cmdline = '';
    for (let i = 0; i < 40 && cmdline !== 'sleep infinity'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const result = await engine.exec(closed, { cmd: ['sh', '-c', "tr '\\0' ' ' < /proc/1/cmdline"] });
      cmdline = result.stdout.trim();
    }
    expect(cmdline).toBe('sleep infinity');
    expect((await engine.inspectContainer(closed))?.running).toBe(true);
  });
});

function collect(): { stream: PassThrough; text: () => string } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}
