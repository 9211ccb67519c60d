import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import { type Fixture, launchEnv, makeFixture, removeContainer } from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

// Completion as a user gets it: the scripts `completion bash|zsh` print (and `init` writes), run in
// the real shells, calling the real launch-agent (through a `launch-agent` on PATH) against the
// real engine, with a real container to name. PowerShell is not in Debian: its script is checked
// for its structure only.

describe('tab completion in the real shells', () => {
  let fixture: Fixture;
  let name = '';
  let bin = '';
  let work = '';
  let calls = '';
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`cmpl-${Date.now().toString(36)}`);
    env = launchEnv(fixture);
    const launched = await runCli([fixture.repo, '-a', 'claude', '-b', 'tab', '--detach', '--json'], { env });
    expect(launched.code, launched.stderr).toBe(0);
    name = parseJson<{ name: string }>(launched).name;
    bin = path.join(fixture.dir, 'bin');
    work = path.join(fixture.dir, 'work');
    calls = path.join(fixture.dir, 'calls.log');
    mkdirSync(bin);
    mkdirSync(path.join(work, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(work, 'notes.txt'), 'x\n');
    // launch-agent as installed, counting its starts (the aliases must start none).
    writeFileSync(
      path.join(bin, 'launch-agent'),
      `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${process.execPath}' '${binPath}' "$@"\n`,
    );
    chmodSync(path.join(bin, 'launch-agent'), 0o755);
  });

  afterAll(() => {
    if (name) removeContainer(name);
    fixture?.cleanup();
  });

  const shellEnv = () => ({ ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` });
  const scriptFile = async (shell: 'bash' | 'zsh') => {
    const result = await runCli(['completion', shell], { env });
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(fixture.dir, `completion.${shell}`);
    writeFileSync(file, result.stdout);
    return file;
  };

  it('bash: the generated function offers commands, flags, values, container names, and files only for paths', async () => {
    const file = await scriptFile('bash');
    const complete = (...words: string[]) => {
      const quoted = ['launch-agent', ...words].map((w) => `'${w}'`).join(' ');
      return execFileSync(
        'bash',
        [
          '-c',
          `. '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length}; _launch_agent; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8', env: shellEnv(), cwd: work },
      )
        .split('\n')
        .filter(Boolean);
    };
    expect(complete('lis')).toEqual(['list']);
    expect(complete('images', '')).toEqual(['build', 'update', 'list', 'prune', 'help']);
    expect(complete('mcp', '')).toEqual(['convert', 'list', 'help']);
    expect(complete('--ag')).toEqual(['--agent']);
    expect(complete('--agent', '')).toEqual(['claude', 'codex', 'copilot', 'gemini']);
    expect(complete('--agent', '=', 'co')).toEqual(['codex', 'copilot']);
    expect(complete('--network', '')).toEqual(['bridge', 'allowlist', 'none']);
    expect(complete('attach', name.slice(0, -2))).toEqual([name]);
    expect(complete('rm', '')).toContain(name);
    expect(complete('rm', '--f')).toEqual(['--force']);
    // Files only where a path goes: SOURCE takes folders, --secrets a file, `images` neither.
    expect(complete('s')).toEqual(expect.arrayContaining(['shell', 'src', 'start', 'stats', 'stop']));
    expect(complete('s')).not.toContain('notes.txt');
    expect(complete('--secrets', 'no')).toEqual(['notes.txt']);
    expect(complete('images', 'no')).toEqual([]);
  });

  it('zsh: TAB in an interactive zsh completes words and lists descriptions whole', async () => {
    const file = await scriptFile('zsh');
    // zpty drives an interactive zsh as a terminal would; each step types, presses TAB and waits
    // for what must appear (the buffer or the listing), or fails after 20 s.
    const driver = path.join(fixture.dir, 'drive.zsh');
    writeFileSync(
      driver,
      `zmodload zsh/zpty
zpty -b z 'zsh -f -i'
zpty -w z 'PS1="%% "; autoload -Uz compinit; compinit -u -D; source ${file}; cd ${work}; zstyle ":completion:*" list-prompt ""'
step() {
  local out='' chunk
  zpty -w -n z "$1"$'\\t'
  local deadline=$(( SECONDS + 20 ))
  while (( SECONDS < deadline )); do
    zpty -r -t z chunk && out+=$chunk
    [[ \${out//$'\\e'\\[[0-9;?]#[a-zA-Z]/} == *"$2"* ]] && break
    sleep 0.1
  done
  print -r -- "=== $1"
  print -r -- "$out"
  zpty -w z $'\\C-u'
  sleep 0.3
  while zpty -r -t z chunk; do :; done
}
step 'launch-agent lis' 'launch-agent list'
step 'launch-agent --ag' 'launch-agent --agent'
step 'launch-agent --agent ' 'gemini'
step 'launch-agent attach ${name.slice(0, -2)}' 'launch-agent attach ${name}'
step 'launch-agent images ' 'prune'
step 'launch-agent ' "back into the agent's session"
zpty -d z
`,
    );
    const raw = execFileSync('zsh', ['-f', driver], { encoding: 'utf8', env: shellEnv(), timeout: 200_000 });
    const out = stripVTControlCharacters(raw).replace(/\r/g, '');
    const section = (typed: string) => {
      const start = out.indexOf(`=== ${typed}\n`);
      const end = out.indexOf('\n=== ', start + 1);
      return out.slice(start, end < 0 ? undefined : end);
    };
    expect(section('launch-agent lis')).toContain('launch-agent list');
    expect(section('launch-agent --ag')).toContain('launch-agent --agent');
    expect(section('launch-agent --agent ')).toMatch(/claude[\s\S]*codex[\s\S]*copilot[\s\S]*gemini/);
    expect(section(`launch-agent attach ${name.slice(0, -2)}`)).toContain(`launch-agent attach ${name}`);
    const images = section('launch-agent images ');
    expect(images).toMatch(/build\s+--/);
    expect(images).not.toContain('notes.txt');
    // The old script dropped ' and : from descriptions.
    expect(section('launch-agent ')).toContain("back into the agent's session");
  });

  it('the aliases load completion without starting launch-agent, in bash and in zsh', async () => {
    const dir = path.join(fixture.dir, 'la-config');
    const init = await runCli(['init'], { env: { ...env, LAUNCH_AGENT_CONFIG_DIR: dir } });
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(calls, '');
    const aliases = path.join(dir, 'aliases.sh');
    const bashSays = execFileSync('bash', ['-c', `. '${aliases}'; complete -p launch-agent; type -t lac`], {
      encoding: 'utf8',
      env: shellEnv(),
    });
    expect(bashSays).toBe('complete -F _launch_agent launch-agent\nfunction\n');
    const zshSays = execFileSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -Uz compinit; compinit -u -D; . '${aliases}'; print -r -- $_comps[launch-agent]`,
      ],
      { encoding: 'utf8', env: shellEnv() },
    );
    expect(zshSays).toBe('_launch_agent\n');
    expect(readFileSync(calls, 'utf8')).toBe('');
  });

  it('pwsh (not installed here): the script registers a native completer that asks __complete', async () => {
    const result = await runCli(['completion', 'pwsh'], { env });
    expect(result.code).toBe(0);
    const script = result.stdout;
    expect(script).toContain("Register-ArgumentCompleter -Native -CommandName 'launch-agent' -ScriptBlock {");
    expect(script).toContain("& 'launch-agent' __complete pwsh -- @words");
    expect(script).toContain("if ($directive -eq ':dirs')");
    expect(script).toContain("if ($directive -eq ':none')");
    expect(script.split('{').length).toBe(script.split('}').length);
    expect(script.split('(').length).toBe(script.split(')').length);
    // What it asks returns what it expects: candidates with descriptions, then a directive.
    const answer = await runCli(['__complete', 'pwsh', '--', 'attach', ''], { env });
    const lines = answer.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(':none');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${name}\\tclaude, `)));
  });
});
