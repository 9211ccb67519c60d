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
 * (KEEPER_CONTAINER) keeps small; `follow` then goes on from just after the last entry read.
 */
export async function containerLogs(engine: Engine, id: string, request: LogsRequest): Promise<void> {
  const stdout = filtered(request.stdout);
  const stderr = filtered(request.stderr);
  if (request.tail === undefined) {
    await engine.logs(id, { follow: request.follow ?? false, stdout, stderr });
    return;
  }
  const entries: Array<{ to: Writable; text: string }> = [];
  let last: string | undefined;
  const collect = (to: Writable) =>
    sink((chunk) => {
      const space = chunk.indexOf(' ');
      const text = chunk.slice(space + 1);
      last = chunk.slice(0, space);
      if (!text.startsWith(KEEPER_MARK)) entries.push({ to, text });
    });
  await engine.logs(id, {
    timestamps: true,
    stdout: collect(request.stdout),
    stderr: collect(request.stderr),
  });
  for (const entry of request.tail > 0 ? entries.slice(-request.tail) : []) entry.to.write(entry.text);
  if (!request.follow) return;
  await engine.logs(id, {
    follow: true,
    ...(last ? { since: justAfter(last) } : { tail: 0 }),
    stdout,
    stderr,
  });
}

/** `2026-11-25T10:00:00.123456789Z` -> `1795600800.123456790`: the engine's `since` is inclusive. */
export function justAfter(rfc3339: string): string {
  const match = /^(.+?)(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  const seconds = match ? Date.parse(`${match[1]}Z`) / 1000 : Number.NaN;
  if (!match || Number.isNaN(seconds)) throw new Error(`expected an RFC 3339 UTC time, got \`${rfc3339}\``);
  const nanos = Number((match[2] ?? '').padEnd(9, '0')) + 1;
  const carry = nanos >= 1e9 ? 1 : 0;
  return `${seconds + carry}.${String(nanos - carry * 1e9).padStart(9, '0')}`;
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
