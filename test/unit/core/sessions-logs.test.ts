import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KEEPER_MARK } from '../../../src/core/sessions/keeper.js';
import { containerLogs, justAfter } from '../../../src/core/sessions/logs.js';
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

  it('--follow with --tail goes on from just after the last entry it read', async () => {
    const { engine, calls } = fakeEngine([
      ['out', 'x', keeper(4)],
      ['out', 'x', 'four\n'],
    ]);
    const s = sinks();
    await containerLogs(engine, 'c', { tail: 1, follow: true, stdout: s.out, stderr: s.err });
    expect(s.text()).toEqual({ stdout: 'three\nfour\n', stderr: '' });
    expect(calls[1]).toEqual({
      follow: true,
      since: `${Date.parse('2026-11-25T10:00:05Z') / 1000}.000000001`,
    });
  });
});

describe('justAfter', () => {
  it('is one nanosecond later, in Unix seconds', () => {
    const base = Date.parse('2026-11-25T10:00:00Z') / 1000;
    expect(justAfter('2026-11-25T10:00:00.123456789Z')).toBe(`${base}.123456790`);
    expect(justAfter('2026-11-25T10:00:00.5Z')).toBe(`${base}.500000001`);
    expect(justAfter('2026-11-25T10:00:00Z')).toBe(`${base}.000000001`);
    expect(justAfter('2026-11-25T10:00:00.999999999Z')).toBe(`${base + 1}.000000000`);
  });

  it('refuses anything but UTC RFC 3339', () => {
    expect(() => justAfter('yesterday')).toThrow(/RFC 3339 UTC time, got `yesterday`/);
  });
});
