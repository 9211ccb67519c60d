import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KEEPER_MARK } from '../../../src/core/sessions/keeper.js';
import { containerLogs, unixTime } from '../../../src/core/sessions/logs.js';
import type { Engine, LogsOptions } from '../../../src/docker/engine.js';

type Entry = [stream: 'out' | 'err', time: string, text: string];

const keeper = (n: number): string => `${KEEPER_MARK} nonce${n} ok 0 0\n`;
const LOG: Entry[] = [
  ['out', '2026-11-25T10:00:00.000000001Z', 'one\n'],
  ['err', '2026-11-25T10:00:01.5Z', 'two\n'],
  ['out', '2026-11-25T10:00:02.000000000Z', keeper(1)],
  ['out', '2026-11-25T10:00:03.999999999Z', 'three\n'],
  ['out', '2026-11-25T10:00:04.000000000Z', keeper(2)],
  ['out', '2026-11-25T10:00:05.000000000Z', keeper(3)],
];

/** Replays LOG one entry per write, as the engine does; records what it was asked. */
function fakeEngine(live: Entry[] = []): {
  engine: Engine;
  calls: Array<Omit<LogsOptions, 'stdout' | 'stderr'>>;
} {
  const calls: Array<Omit<LogsOptions, 'stdout' | 'stderr'>> = [];
  const engine = {
    async logs(_id: string, { stdout, stderr, ...rest }: LogsOptions) {
      calls.push(rest);
      const entries = rest.follow ? live : LOG;
      for (const [stream, time, text] of entries) {
        (stream === 'err' ? stderr : stdout).write(rest.timestamps ? `${time} ${text}` : text);
      }
    },
  };
  return { engine: engine as unknown as Engine, calls };
}

function sinks() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  err.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return { out, err, text: () => ({ stdout, stderr }) };
}

describe('containerLogs', () => {
  it('leaves out the keeper lines', async () => {
    const { engine } = fakeEngine();
    const s = sinks();
    await containerLogs(engine, 'c', { stdout: s.out, stderr: s.err });
    expect(s.text()).toEqual({ stdout: 'one\nthree\n', stderr: 'two\n' });
  });

  it('counts --tail after the filter, across stdout and stderr', async () => {
    const { engine, calls } = fakeEngine();
    const s = sinks();
    await containerLogs(engine, 'c', { tail: 2, stdout: s.out, stderr: s.err });
    expect(s.text()).toEqual({ stdout: 'three\n', stderr: 'two\n' });
    // The engine's own tail would have counted the keeper lines: the whole (capped) log is read.
    expect(calls).toEqual([{ timestamps: true }]);
    const none = sinks();
    await containerLogs(engine, 'c', { tail: 0, stdout: none.out, stderr: none.err });
    expect(none.text()).toEqual({ stdout: '', stderr: '' });
  });

  it('--follow with --tail goes on from the last entry it read, without repeating it', async () => {
    const { engine, calls } = fakeEngine([
      ['out', '2026-11-25T10:00:05.000000000Z', keeper(3)],
      ['out', '2026-11-25T10:00:05.000000000Z', 'same-time\n'],
      ['out', '2026-11-25T10:00:06.000000000Z', keeper(4)],
      ['out', '2026-11-25T10:00:06.000000000Z', 'four\n'],
    ]);
    const s = sinks();
    await containerLogs(engine, 'c', { tail: 1, follow: true, stdout: s.out, stderr: s.err });
    expect(s.text()).toEqual({ stdout: 'three\nsame-time\nfour\n', stderr: '' });
    expect(calls[1]).toEqual({
      follow: true,
      timestamps: true,
      since: `${Date.parse('2026-11-25T10:00:05Z') / 1000}.000000000`,
    });
  });

  it('--follow with --tail on an engine that stamps to the second (Podman) repeats nothing', async () => {
    const podmanLog: Entry[] = [
      ['out', '2026-11-25T10:00:07Z', 'a\n'],
      ['out', '2026-11-25T10:00:08Z', 'b\n'],
      ['out', '2026-11-25T10:00:08Z', 'c\n'],
    ];
    const calls: Array<Omit<LogsOptions, 'stdout' | 'stderr'>> = [];
    const engine = {
      async logs(_id: string, { stdout, stderr: _stderr, ...rest }: LogsOptions) {
        calls.push(rest);
        // Podman's since is by the second: the follow gets b and c again, then what is new.
        const entries = rest.follow
          ? [...podmanLog.slice(1), ['out', '2026-11-25T10:00:08Z', 'd\n'] as Entry]
          : podmanLog;
        for (const [, time, text] of entries) stdout.write(rest.timestamps ? `${time} ${text}` : text);
      },
    } as unknown as Engine;
    const s = sinks();
    await containerLogs(engine, 'c', { tail: 1, follow: true, stdout: s.out, stderr: s.err });
    expect(s.text().stdout).toBe('c\nd\n');
    expect(calls[1]?.since).toBe(`${Date.parse('2026-11-25T10:00:08Z') / 1000}.000000000`);
  });

  it('--follow with --tail on an empty log follows what comes', async () => {
    const calls: Array<Omit<LogsOptions, 'stdout' | 'stderr'>> = [];
    const engine = {
      async logs(_id: string, { stdout, stderr: _stderr, ...rest }: LogsOptions) {
        calls.push(rest);
        if (rest.follow) stdout.write('new\n');
      },
    } as unknown as Engine;
    const s = sinks();
    await containerLogs(engine, 'c', { tail: 5, follow: true, stdout: s.out, stderr: s.err });
    expect(s.text().stdout).toBe('new\n');
    expect(calls[1]).toEqual({ follow: true, tail: 0 });
  });
});

describe('unixTime', () => {
  it('turns RFC 3339 UTC into unix seconds with nanoseconds, to the second too', () => {
    const base = Date.parse('2026-11-25T10:00:00Z') / 1000;
    expect(unixTime('2026-11-25T10:00:00.123456789Z')).toBe(`${base}.123456789`);
    expect(unixTime('2026-11-25T10:00:00.5Z')).toBe(`${base}.500000000`);
    expect(unixTime('2026-11-25T10:00:00Z')).toBe(`${base}.000000000`);
  });

  it('rejects anything else', () => {
    expect(() => unixTime('yesterday')).toThrow(/RFC 3339 UTC time, got `yesterday`/);
  });
});
