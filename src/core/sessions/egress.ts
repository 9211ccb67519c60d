import { Writable } from 'node:stream';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import { readContainerFile } from '../container-files.js';
import type { AllowEntry } from '../network/allowlist.js';
import { findProxy } from '../network/objects.js';
import { PROXY_ALLOW_JSON_PATH } from '../network/proxy.js';
import { resolveSession, type Session } from '../sessions.js';

/** One request the proxy let through or refused, read from its log. */
export interface EgressEvent {
  /** RFC 3339, from the engine's log timestamps. */
  time: string;
  verdict: 'allowed' | 'refused';
  /** The host; `host:port` when a CONNECT was refused for its port. */
  host: string;
  /** Why a request was refused: the host is not on the list, or https on a port other than 443. */
  reason?: 'not-listed' | 'port';
}

export interface EgressHost {
  host: string;
  count: number;
  /** RFC 3339 time of the latest request. */
  last: string;
  reason?: EgressEvent['reason'];
}

export interface EgressReport {
  name: string;
  proxy: string;
  allowed: EgressHost[];
  refused: EgressHost[];
}

/**
 * Turns tinyproxy's log (LogLevel Info, lines prefixed with the engine's timestamp) into events.
 * Its lines name the host on a refusal and on an established connection; a port refusal names
 * only the port, so the host comes from the request line just before it.
 */
export class EgressLogParser {
  #lastTarget = '';

  line(line: string): EgressEvent | undefined {
    const space = line.indexOf(' ');
    const time = line.slice(0, space);
    const text = line.slice(space + 1);
    const request = /Request \(file descriptor \d+\): \S+ (\S+)/.exec(text);
    if (request) {
      this.#lastTarget = hostOfTarget(request[1] ?? '');
      return undefined;
    }
    const refused = /Proxying refused on filtered domain "([^"]*)"/.exec(text);
    if (refused)
      return { time, verdict: 'refused', host: (refused[1] ?? '').toLowerCase(), reason: 'not-listed' };
    const port = /Refused CONNECT method on port (\d+)/.exec(text);
    if (port) return { time, verdict: 'refused', host: `${this.#lastTarget}:${port[1]}`, reason: 'port' };
    const allowed = /Established connection to host "([^"]*)"/.exec(text);
    if (allowed) return { time, verdict: 'allowed', host: (allowed[1] ?? '').toLowerCase() };
    return undefined;
  }
}

/** `CONNECT host:443` or `GET http://host:8080/path` -> `host`. */
function hostOfTarget(target: string): string {
  const withoutScheme = target.replace(/^[a-z]+:\/\//i, '');
  const authority = withoutScheme.split('/')[0] ?? '';
  return authority.replace(/^.*@/, '').replace(/:\d+$/, '').toLowerCase();
}

/** Counts and last times per host, most requested first. */
export function summarize(events: readonly EgressEvent[]): { allowed: EgressHost[]; refused: EgressHost[] } {
  const tally = (verdict: EgressEvent['verdict']) => {
    const hosts = new Map<string, EgressHost>();
    for (const event of events) {
      if (event.verdict !== verdict) continue;
      const seen = hosts.get(event.host);
      if (seen) {
        seen.count++;
        if (event.time > seen.last) seen.last = event.time;
      } else {
        hosts.set(event.host, {
          host: event.host,
          count: 1,
          last: event.time,
          ...(event.reason ? { reason: event.reason } : {}),
        });
      }
    }
    return [...hosts.values()].sort((a, b) => b.count - a.count || a.host.localeCompare(b.host));
  };
  return { allowed: tally('allowed'), refused: tally('refused') };
}

/** The session and its proxy, or an error saying why it has none. */
async function sessionProxy(engine: Engine, name: string): Promise<{ session: Session; proxy: string }> {
  const session = await resolveSession(engine, name);
  if (session.network !== 'allowlist') {
    throw new LaunchError(
      'USAGE',
      `${session.name} runs with --network ${session.network ?? 'bridge'}: no proxy sees its traffic`,
      { hint: 'launch with --network allowlist to have every request allowed or refused by host name' },
    );
  }
  const proxy = await findProxy(engine, session.name);
  if (!proxy) {
    throw new LaunchError('CONTAINER_NOT_FOUND', `the egress proxy of ${session.name} is gone`, {
      hint: `its agent container has no way out now; \`launch-agent rm ${session.name}\` and launch again`,
    });
  }
  return { session, proxy };
}

/** `egress NAME`: what the proxy allowed and refused, from its log. */
export async function egressReport(engine: Engine, name: string): Promise<EgressReport> {
  const { session, proxy } = await sessionProxy(engine, name);
  const events: EgressEvent[] = [];
  const parser = new EgressLogParser();
  const sink = lineSink((line) => {
    const event = parser.line(line);
    if (event) events.push(event);
  });
  await engine.logs(proxy, { timestamps: true, stdout: sink, stderr: sink });
  await new Promise<void>((resolve) => sink.end(resolve));
  return { name: session.name, proxy: `${session.name}-egress`, ...summarize(events) };
}

/** `egress NAME -f`: each request as the proxy decides it, until the signal aborts or the proxy stops. */
export async function followEgress(
  engine: Engine,
  name: string,
  onEvent: (event: EgressEvent) => void,
): Promise<void> {
  const { proxy } = await sessionProxy(engine, name);
  const parser = new EgressLogParser();
  const sink = lineSink((line) => {
    const event = parser.line(line);
    if (event) onEvent(event);
  });
  await engine.logs(proxy, { follow: true, tail: 0, timestamps: true, stdout: sink, stderr: sink });
}

/** `egress NAME --list`: the allow-list the proxy was started with, and where each host came from. */
export async function egressAllowList(
  engine: Engine,
  name: string,
): Promise<{ name: string; allow: AllowEntry[] }> {
  const { session, proxy } = await sessionProxy(engine, name);
  const text = await readContainerFile(engine, proxy, `/${PROXY_ALLOW_JSON_PATH}`);
  return { name: session.name, allow: JSON.parse(text) as AllowEntry[] };
}

/** Calls `onLine` per complete line (engine log chunks may hold several, or a part of one). */
function lineSink(onLine: (line: string) => void): Writable {
  let rest = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line) onLine(line.replace(/\r$/, ''));
      done();
    },
    final(done) {
      if (rest) onLine(rest);
      done();
    },
  });
}
