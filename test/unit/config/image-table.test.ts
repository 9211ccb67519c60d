import { describe, expect, it } from 'vitest';
import { mergeImageTables } from '../../../src/config/image-table.js';
import { parseConfigText } from '../../../src/mcp/load.js';
import { formatProblem } from '../../../src/mcp/model.js';

const parse = (text: string) => {
  const result = parseConfigText(text, '/repo/config.toml');
  return {
    image: result.image,
    errors: result.errors.map(formatProblem),
    warnings: result.warnings.map(formatProblem),
  };
};

describe('[image] in config.toml', () => {
  it('reads apt, npm, pipx and run lists', () => {
    const { image, errors, warnings } = parse(
      [
        '[image]',
        'apt = ["golang", "openjdk-17-jdk-headless", "python3=3.11.2-1+b1"]',
        'npm = ["typescript@5", "@biomejs/biome@^1.9"]',
        'pipx = ["poetry", "ruff==0.6.9"]',
        'run = ["curl -fsSL https://sh.rustup.rs | sh -s -- -y"]',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(image).toEqual({
      apt: ['golang', 'openjdk-17-jdk-headless', 'python3=3.11.2-1+b1'],
      npm: ['typescript@5', '@biomejs/biome@^1.9'],
      pipx: ['poetry', 'ruff==0.6.9'],
      run: ['curl -fsSL https://sh.rustup.rs | sh -s -- -y'],
    });
  });

  it('names the place of every bad entry: not a list, shell in a package name, options, line breaks', () => {
    const { errors, warnings } = parse(
      [
        '[image]',
        'apt = "golang"',
        'npm = ["ok", "x; rm -rf /"]',
        'pipx = ["--index-url=http://evil"]',
        'run = ["echo one\\nFROM scratch", ""]',
        'brew = ["jq"]',
      ].join('\n'),
    );
    expect(errors).toEqual([
      '/repo/config.toml:2:1 image.apt: expected an array of strings, got "golang"',
      '/repo/config.toml:3:1 image.npm: `x; rm -rf /` is not a package name npm takes (e.g. typescript@5)',
      '/repo/config.toml:4:1 image.pipx: `--index-url=http://evil` is not a package name pipx takes (e.g. poetry or ruff==0.6.9)',
      '/repo/config.toml:5:1 image.run: one shell line per item, got a line break in "echo one\\nFROM scratch"',
      '/repo/config.toml:5:1 image.run: an empty string',
    ]);
    expect(warnings).toEqual([
      '/repo/config.toml:6:1 image.brew: unknown key (ignored); known keys: apt, npm, pipx, run',
    ]);
  });

  it('a file without [image] has none', () => {
    expect(parse('[mcp_servers.a]\ncommand = "x"\n').image).toBeUndefined();
  });

  it("merges the user's lists, then the repo's, without repeats", () => {
    const user = { apt: ['git', 'jq'], npm: ['typescript'], pipx: [], run: ['echo user'] };
    const repo = { apt: ['jq', 'golang'], npm: [], pipx: ['poetry'], run: ['echo repo'] };
    expect(mergeImageTables([user, repo])).toEqual({
      apt: ['git', 'jq', 'golang'],
      npm: ['typescript'],
      pipx: ['poetry'],
      run: ['echo user', 'echo repo'],
    });
  });
});
