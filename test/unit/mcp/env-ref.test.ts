import { describe, expect, it } from 'vitest';
import { envRefs, parseTemplate, wholeRef } from '../../../src/mcp/env-ref.js';
import { ShellScript, shellQuote, withCwd } from '../../../src/mcp/shell.js';

describe('env references', () => {
  it('splits literals, ${VAR} and ${VAR:-default}', () => {
    expect(parseTemplate('Bearer ${TOKEN}')).toEqual(['Bearer ', { name: 'TOKEN' }]);
    expect(parseTemplate('${HOST:-a:b-c}/v2')).toEqual([{ name: 'HOST', default: 'a:b-c' }, '/v2']);
    expect(parseTemplate('${A:-}')).toEqual([{ name: 'A', default: '' }]);
    expect(parseTemplate('$HOME and $$')).toEqual(['$HOME and $$']);
    expect(envRefs('${A}${B:-x}')).toEqual([{ name: 'A' }, { name: 'B', default: 'x' }]);
  });

  it('rejects malformed references', () => {
    expect(() => parseTemplate('${1A}')).toThrow(/malformed env reference `\$\{1A\}`/);
    expect(() => parseTemplate('${A-b}')).toThrow(/malformed/);
    expect(() => parseTemplate('x ${OPEN')).toThrow(/unterminated/);
  });

  it('knows a whole-value reference', () => {
    expect(wholeRef('${A}')).toBe('A');
    expect(wholeRef('${A:-x}')).toBeUndefined();
    expect(wholeRef('x${A}')).toBeUndefined();
  });
});

describe('shell wrapper', () => {
  it('single-quotes literals, including quotes and $', () => {
    expect(shellQuote(`it's $HOME`)).toBe(`'it'\\''s $HOME'`);
  });

  it('resolves references at run time and assigns defaults in a prelude', () => {
    const script = new ShellScript().exec({
      command: 'srv',
      args: ['--r=${R:-eu}', '${I}'],
      env: { K: '${K}' },
    });
    expect(script).toBe(
      `_la_default_1="\${R:-}"; [ -n "$_la_default_1" ] || _la_default_1='eu'; export K="\${K}"; exec 'srv' '--r='"$_la_default_1" "\${I}"`,
    );
  });

  it('changes directory and keeps command + args as separate words', () => {
    expect(withCwd('node', ['a b'], '/w')).toEqual({
      command: 'sh',
      args: ['-c', `cd '/w' && exec "$0" "$@"`, 'node', 'a b'],
    });
  });
});
