import { describe, expect, it } from 'vitest';
import { EgressLogParser, summarize } from '../../../src/core/sessions/egress.js';

/** tinyproxy 1.11's own lines (LogLevel Info), with the engine's timestamps in front. */
const log = [
  '2026-12-01T21:16:42.851Z CONNECT   Dec 01 21:16:42.851 [1]: Connect (file descriptor 5): 172.19.0.3',
  '2026-12-01T21:16:42.851Z CONNECT   Dec 01 21:16:42.851 [1]: Request (file descriptor 5): CONNECT registry.npmjs.org:443 HTTP/1.1',
  '2026-12-01T21:16:42.851Z INFO      Dec 01 21:16:42.851 [1]: No upstream proxy for registry.npmjs.org',
  '2026-12-01T21:16:42.854Z CONNECT   Dec 01 21:16:42.854 [1]: Established connection to host "registry.npmjs.org" using file descriptor 6.',
  '2026-12-01T21:16:43.045Z CONNECT   Dec 01 21:16:43.045 [1]: Request (file descriptor 5): CONNECT example.com:443 HTTP/1.1',
  '2026-12-01T21:16:43.045Z NOTICE    Dec 01 21:16:43.045 [1]: Proxying refused on filtered domain "example.com"',
  '2026-12-01T21:16:43.059Z CONNECT   Dec 01 21:16:43.059 [1]: Request (file descriptor 5): GET http://Example.com/ HTTP/1.1',
  '2026-12-01T21:16:43.059Z NOTICE    Dec 01 21:16:43.059 [1]: Proxying refused on filtered domain "Example.com"',
  '2026-12-01T21:18:18.930Z CONNECT   Dec 01 21:18:18.930 [1]: Request (file descriptor 5): CONNECT registry.npmjs.org:8443 HTTP/1.1',
  '2026-12-01T21:18:18.933Z INFO      Dec 01 21:18:18.933 [1]: Refused CONNECT method on port 8443',
  '2026-12-01T21:18:19.000Z CONNECT   Dec 01 21:18:19.000 [1]: Request (file descriptor 5): GET http://deb.debian.org:80/debian/ HTTP/1.1',
  '2026-12-01T21:18:19.074Z CONNECT   Dec 01 21:18:19.074 [1]: Established connection to host "deb.debian.org" using file descriptor 6.',
  '2026-12-01T21:19:00.000Z CONNECT   Dec 01 21:19:00.000 [1]: Established connection to host "registry.npmjs.org" using file descriptor 6.',
];

describe('egress log', () => {
  const parser = new EgressLogParser();
  const events = log.flatMap((line) => parser.line(line) ?? []);

  it('reads an event per verdict: allowed, refused by host, refused by port (host from its request)', () => {
    expect(events).toEqual([
      { time: '2026-12-01T21:16:42.854Z', verdict: 'allowed', host: 'registry.npmjs.org' },
      { time: '2026-12-01T21:16:43.045Z', verdict: 'refused', host: 'example.com', reason: 'not-listed' },
      { time: '2026-12-01T21:16:43.059Z', verdict: 'refused', host: 'example.com', reason: 'not-listed' },
      {
        time: '2026-12-01T21:18:18.933Z',
        verdict: 'refused',
        host: 'registry.npmjs.org:8443',
        reason: 'port',
      },
      { time: '2026-12-01T21:18:19.074Z', verdict: 'allowed', host: 'deb.debian.org' },
      { time: '2026-12-01T21:19:00.000Z', verdict: 'allowed', host: 'registry.npmjs.org' },
    ]);
  });

  it('counts per host with the last time, most requested first', () => {
    expect(summarize(events)).toEqual({
      allowed: [
        { host: 'registry.npmjs.org', count: 2, last: '2026-12-01T21:19:00.000Z' },
        { host: 'deb.debian.org', count: 1, last: '2026-12-01T21:18:19.074Z' },
      ],
      refused: [
        { host: 'example.com', count: 2, last: '2026-12-01T21:16:43.059Z', reason: 'not-listed' },
        { host: 'registry.npmjs.org:8443', count: 1, last: '2026-12-01T21:18:18.933Z', reason: 'port' },
      ],
    });
  });
});

describe('egress of a session without a proxy', () => {
  it('says the session does not run with allowlist, and how to get one', async () => {
    const { FakeEngine } = await import('../../helpers/fake-engine.js');
    const { egressReport, egressAllowList } = await import('../../../src/core/sessions/egress.js');
    const engine = new FakeEngine([{ name: 'claude-repo-open' }]).asEngine();
    for (const call of [
      () => egressReport(engine, 'claude-repo-open'),
      () => egressAllowList(engine, 'claude-repo'),
    ]) {
      const error = (await call().then(
        () => undefined,
        (e: unknown) => e,
      )) as { code: string; message: string; hint: string };
      expect(error).toMatchObject({
        code: 'USAGE',
        message: 'claude-repo-open runs with --network bridge: no proxy sees its traffic',
      });
      expect(error.hint).toMatch(/--network allowlist/);
    }
  });
});
