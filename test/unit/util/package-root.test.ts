import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findPackageRoot, packagePath, packageRoot, packageVersion } from '../../../src/util/package-root.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('package root', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A temp tree: `files` maps a relative path to its content. */
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-root-'));
    made.push(dir);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  it('from src/ (this test run) is the repository, with its version, images/ and templates/', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(packageRoot()).toEqual({ dir: repoRoot, version });
    expect(packageVersion()).toBe(version);
    expect(existsSync(packagePath('images', 'base', 'Dockerfile'))).toBe(true);
    expect(existsSync(packagePath('templates', 'config.toml'))).toBe(true);
  });

  it.each([['dist/util'], ['dist/bundle'], ['dist/bundle/chunks']])('is found from %s', (below) => {
    const dir = tree({
      'package.json': '{"name": "launch-agent", "version": "1.2.3"}',
      [`${below}/x.js`]: '',
    });
    expect(findPackageRoot(path.join(dir, below))).toEqual({ dir, version: '1.2.3' });
  });

  it("passes over another package's package.json and an unreadable one on the way up", () => {
    const dir = tree({
      'package.json': '{"name": "launch-agent", "version": "2.0.0"}',
      'dist/package.json': '{ not json',
      'dist/bundle/package.json': '{"type": "module"}',
      'dist/bundle/chunks/node_modules/other/package.json': '{"name": "other", "version": "9.9.9"}',
    });
    const from = path.join(dir, 'dist', 'bundle', 'chunks', 'node_modules', 'other');
    expect(findPackageRoot(from)).toEqual({ dir, version: '2.0.0' });
  });

  it('says where it looked when there is none', () => {
    const dir = tree({ 'package.json': '{"name": "other"}', 'a/b/x.js': '' });
    const from = path.join(dir, 'a', 'b');
    expect(() => findPackageRoot(from)).toThrow(`no package.json of launch-agent at or above ${from}`);
  });
});
