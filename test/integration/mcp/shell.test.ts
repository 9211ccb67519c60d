import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ShellScript, withCwd } from '../../../src/mcp/shell.js';

/** Runs the generated script with a real POSIX sh, printing argv and env as the server would see them. */
function runScript(args: string[], env: Record<string, string>, vars: Record<string, string>, cwd?: string) {
  const probe =
    'console.log(JSON.stringify({ argv: process.argv.slice(1), env: process.env, cwd: process.cwd() }))';
  const script = new ShellScript().exec({
    command: process.execPath,
    args: ['-e', probe, '--', ...args],
    env,
    ...(cwd === undefined ? {} : { cwd }),
  });
  const out = execFileSync('/bin/sh', ['-c', script], {
    env: { PATH: '/usr/bin:/bin', ...vars },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { argv: string[]; env: Record<string, string>; cwd: string };
}

describe('the sh wrapper resolves ${VAR} / ${VAR:-default} the way config.toml means', () => {
  it('passes literals through untouched, whatever they hold', () => {
    const tricky = [`it's`, '$HOME', '`id`', '$(id)', 'a b', '"q"', '\\n', '*', ''];
    expect(runScript(tricky, {}, {}).argv).toEqual(tricky);
  });

  it('resolves references, applies defaults when unset or empty, and never re-parses values', () => {
    const result = runScript(
      ['--a=${A}', '--b=${B:-dflt b}', "${C:-it's $HOME}", '${D}'],
      { TOKEN: 'Bearer ${T}', URL: '${H:-localhost}/v2' },
      { A: 'x y', B: '', D: '$(touch /tmp/never)', T: "t'ok" },
    );
    expect(result.argv).toEqual(['--a=x y', '--b=dflt b', "it's $HOME", '$(touch /tmp/never)']);
    expect(result.env.TOKEN).toBe("Bearer t'ok");
    expect(result.env.URL).toBe('localhost/v2');
  });

  it('changes directory first when asked', () => {
    expect(runScript([], {}, { W: '/tmp' }, '${W}').cwd).toBe('/tmp');
    const { command, args } = withCwd(process.execPath, ['-e', 'console.log(process.cwd())'], '/usr');
    expect(execFileSync(command, args, { encoding: 'utf8' }).trim()).toBe('/usr');
  });
});
