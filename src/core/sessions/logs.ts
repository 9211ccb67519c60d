import { Writable } from 'node:stream';
import type { Engine } from '../../docker/engine.js';
import { KEEPER_MARK, withoutKeeperLines } from './keeper.js';

export interface LogsRequest {
  follow?: boolean;
  tail?: number;
  stdout: Writable;
  stderr: Writable;
}

/**
 * The container's output without the keeper's reply lines. `tail` is counted here, after the
 * filter (the engine's would count keeper lines): the log is read whole, which its size cap
 * (KEEPER_CONTAINER) keeps small; `follow` then goes on from the last entry read.
 */
export async function containerLogs(engine: Engine, id: string, request: LogsRequest): Promise<void> {
  const stdout = filtered(request.stdout);
  const stderr = filtered(request.stderr);
  if (request.tail === undefined) {
    await engine.logs(id, { follow: request.follow ?? false, stdout, stderr });
    return;
  }
  const entries: Array<{ to: Writable; text: string }> = [];
  // The last entry's time and how many entries carry it: the follow starts there again.
  const seen = { time: '', count: 0 };
  const collect = (to: Writable) =>
    sink((chunk) => {
      const { time, text } = splitTime(chunk);
      seen.count = time === seen.time ? seen.count + 1 : 1;
      seen.time = time;
      if (!text.startsWith(KEEPER_MARK)) entries.push({ to, text });
    });
  await engine.logs(id, {
    timestamps: true,
    stdout: collect(request.stdout),
    stderr: collect(request.stderr),
  });
  for (const entry of request.tail > 0 ? entries.slice(-request.tail) : []) entry.to.write(entry.text);
  if (!request.follow) return;
  if (!seen.time) {
    await engine.logs(id, { follow: true, tail: 0, stdout, stderr });
    return;
  }
  // From the last time read, inclusive, skipping the entries of that time already read: Podman
  // stamps entries to the second (and filters by the second), so "just after" would repeat some.
  let skip = seen.count;
  const resumed = (to: Writable) =>
    sink((chunk) => {
      const { time, text } = splitTime(chunk);
      if (skip > 0 && time === seen.time) {
        skip -= 1;
        return;
      }
      skip = 0;
      to.write(text);
    });
  await engine.logs(id, {
    follow: true,
    since: unixTime(seen.time),
    timestamps: true,
    stdout: resumed(stdout),
    stderr: resumed(stderr),
  });
}

function splitTime(chunk: string): { time: string; text: string } {
  const space = chunk.indexOf(' ');
  return { time: chunk.slice(0, space), text: chunk.slice(space + 1) };
}

/** `2026-11-25T10:00:00.123456789Z` -> `1795600800.123456789`: the engine's `since` (inclusive). */
export function unixTime(rfc3339: string): string {
  const match = /^(.+?)(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  const seconds = match ? Date.parse(`${match[1]}Z`) / 1000 : Number.NaN;
  if (!match || Number.isNaN(seconds)) throw new Error(`expected an RFC 3339 UTC time, got \`${rfc3339}\``);
  return `${seconds}.${(match[2] ?? '').padEnd(9, '0')}`;
}

function filtered(target: Writable): Writable {
  return sink((chunk) => {
    const text = withoutKeeperLines(chunk);
    if (text) target.write(text);
  });
}

function sink(onChunk: (chunk: string) => void): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      onChunk(chunk.toString());
      done();
    },
  });
}
