import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'launch-agent';

export interface PackageRoot {
  /** The folder holding package.json, images/ and templates/. */
  dir: string;
  version: string;
}

/**
 * The nearest folder at or above `from` whose package.json is this package's. Other package.json
 * files on the way (a fixture, a `{"type": "module"}` marker) are passed over.
 */
export function findPackageRoot(from: string): PackageRoot {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === PACKAGE_NAME) return { dir, version: String(manifest.version) };
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json of ${PACKAGE_NAME} at or above ${from}`);
    }
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

let found: PackageRoot | undefined;

/** This package, found once from this module: src/util/ (vitest), dist/util/ (tsc) or dist/bundle/. */
export function packageRoot(): PackageRoot {
  found ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  return found;
}

/** A path inside the package, e.g. `packagePath('images')`. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot().dir, ...parts);
}

export function packageVersion(): string {
  return packageRoot().version;
}
