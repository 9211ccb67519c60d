import { describe, expect, it } from 'vitest';
import {
  hasKeeper,
  KEEPER_CONTAINER,
  KEEPER_LABELS,
  KEEPER_MARK,
  KEEPER_SCRIPT,
  keeperRequest,
  parseKeeperReply,
  withoutKeeperLines,
} from '../../../src/core/sessions/keeper.js';

const reply = (nonce: string, rest: string) => `${KEEPER_MARK} ${nonce} ${rest}\n`;

describe('keeperRequest', () => {
  it('is one line naming the nonce', () => {
    expect(keeperRequest('ab12')).toBe('launch-agent-status ab12\n');
  });

  it('refuses a nonce the keeper would ignore', () => {
    expect(() => keeperRequest('a b')).toThrow(/\[0-9a-z\]\+, got `a b`/);
    expect(() => keeperRequest('')).toThrow(/nonce/);
  });
});

describe('parseKeeperReply', () => {
  it('reads ahead and uncommitted', () => {
    expect(parseKeeperReply(reply('n1', 'ok 3 1'), 'n1')).toEqual({ ok: true, ahead: 3, uncommitted: true });
    expect(parseKeeperReply(reply('n1', 'ok 0 0'), 'n1')).toEqual({ ok: true, ahead: 0, uncommitted: false });
  });

  it("takes its own nonce's reply among other clients' replies and other output", () => {
    const output = [
      reply('other', 'ok 7 1'),
      'some line the container printed\n',
      reply('n1x', 'ok 5 1'),
      reply('n1', 'ok 2 0'),
      reply('later', 'ok 9 9'),
    ].join('');
    expect(parseKeeperReply(output, 'n1')).toEqual({ ok: true, ahead: 2, uncommitted: false });
  });

  it('waits for the whole line', () => {
    expect(parseKeeperReply(`${KEEPER_MARK} n1 ok 1`, 'n1')).toBeUndefined();
    expect(parseKeeperReply(reply('other', 'ok 1 0'), 'n1')).toBeUndefined();
    expect(parseKeeperReply('', 'n1')).toBeUndefined();
  });

  it('only counts the mark at the start of a line', () => {
    const output = `echo ${KEEPER_MARK} n1 ok 8 1\n${reply('n1', 'ok 1 0')}`;
    expect(parseKeeperReply(output, 'n1')).toEqual({ ok: true, ahead: 1, uncommitted: false });
  });

  it('reports a failed git with its exit code, and garbage as a failure', () => {
    expect(parseKeeperReply(reply('n1', 'fail 128'), 'n1')).toEqual({ ok: false, exitCode: 128 });
    expect(parseKeeperReply(reply('n1', 'ok x 1'), 'n1')).toEqual({ ok: false, exitCode: -1 });
    expect(parseKeeperReply(reply('n1', 'ok 1 2'), 'n1')).toEqual({ ok: false, exitCode: -1 });
  });
});

describe('withoutKeeperLines', () => {
  it('drops whole keeper lines and keeps everything else as it was', () => {
    const text = `first\n${reply('n1', 'ok 1 0')}second ${KEEPER_MARK} stays\n${reply('n2', 'fail 1')}last`;
    expect(withoutKeeperLines(text)).toBe(`first\nsecond ${KEEPER_MARK} stays\nlast`);
    expect(withoutKeeperLines('no marks\r\n')).toBe('no marks\r\n');
    expect(withoutKeeperLines(reply('n1', 'ok 0 0'))).toBe('');
  });
});

describe('the keeper container', () => {
  it('keeps stdin open for clients and caps the log its replies go to', () => {
    expect(KEEPER_CONTAINER).toMatchObject({
      cmd: ['sh', '-c', KEEPER_SCRIPT, 'launch-agent-keeper', KEEPER_SCRIPT],
      openStdin: true,
      logConfig: { type: 'json-file', config: { 'max-size': '1m', 'max-file': '2' } },
    });
    expect(hasKeeper(KEEPER_LABELS)).toBe(true);
    expect(hasKeeper({})).toBe(false);
  });

  it('answers with the same git questions as the status script, without locks', () => {
    expect(KEEPER_SCRIPT).toContain(
      'git rev-list --count $head --branches --not --glob=refs/launch-agent --',
    );
    expect(KEEPER_SCRIPT).toContain('git --no-optional-locks status --porcelain=v2 --show-stash');
    // Stays up when stdin ends (a container made without OpenStdin).
    expect(KEEPER_SCRIPT.trimEnd().endsWith('exec sleep infinity')).toBe(true);
  });
});

describe('the keeper reply: ready mark', () => {
  it('reads the third word as the ready mark; older keepers do not say', async () => {
    const { parseKeeperReply, KEEPER_MARK: mark } = await import('../../../src/core/sessions/keeper.js');
    expect(parseKeeperReply(`${mark} n1 ok 2 1 0\n`, 'n1')).toEqual({
      ok: true,
      ahead: 2,
      uncommitted: true,
      ready: false,
    });
    expect(parseKeeperReply(`${mark} n1 ok 0 0 1\n`, 'n1')).toEqual({
      ok: true,
      ahead: 0,
      uncommitted: false,
      ready: true,
    });
    expect(parseKeeperReply(`${mark} n1 ok 3 0\n`, 'n1')).toEqual({ ok: true, ahead: 3, uncommitted: false });
    expect(parseKeeperReply(`${mark} n1 ok 3 0 7\n`, 'n1')).toEqual({ ok: false, exitCode: -1 });
    // The keeper's EXIT trap (a fork failed at the PID limit) answers the request in hand.
    expect(parseKeeperReply(`${mark} n1 fail 254\n`, 'n1')).toEqual({ ok: false, exitCode: 254 });
  });
});
