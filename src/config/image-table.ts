/**
 * `[image]` in config.toml: what a project's agents need on top of the agent image. Each list is
 * installed as root in the per-project image layer (src/core/images/project-layer.ts).
 */
export interface ImageTable {
  /** Debian packages (`apt-get install`), e.g. `golang`, `openjdk-17-jdk-headless`. */
  apt: string[];
  /** Global npm packages, e.g. `typescript@5`. */
  npm: string[];
  /** Python applications installed with pipx, e.g. `poetry`. */
  pipx: string[];
  /** Shell lines, each its own RUN step, run as root after the installs. */
  run: string[];
}

export const IMAGE_KEYS = ['apt', 'npm', 'pipx', 'run'] as const;
type ImageKey = (typeof IMAGE_KEYS)[number];

/** Names that need no quoting thought: no shell or Dockerfile meaning, not an option (`-x`). */
const NAME_RULES: Record<Exclude<ImageKey, 'run'>, { pattern: RegExp; example: string }> = {
  apt: {
    pattern: /^[a-z0-9][a-z0-9+.-]*([=/][A-Za-z0-9.+~:_-]+)?$/,
    example: 'golang or openjdk-17-jdk-headless',
  },
  npm: { pattern: /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(@[\w.^~<>=|*+ -]+)?$/i, example: 'typescript@5' },
  pipx: { pattern: /^[A-Za-z0-9][\w.+:/@=<>!~[\],-]*$/, example: 'poetry or ruff==0.6.9' },
};

export function emptyImageTable(): ImageTable {
  return { apt: [], npm: [], pipx: [], run: [] };
}

export function isEmptyImageTable(table: ImageTable): boolean {
  return IMAGE_KEYS.every((key) => table[key].length === 0);
}

/**
 * Checks a parsed `[image]` table; problems go to `error(path, message)` / `warning(...)` so the
 * config loader reports them with file:line:col like every other key.
 */
export function readImageTable(
  raw: unknown,
  error: (path: string[], message: string) => void,
  warning: (path: string[], message: string) => void,
): ImageTable | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    error(['image'], `expected a table, e.g. [image] with apt = ["golang"], got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const table = emptyImageTable();
  for (const [key, value] of Object.entries(raw)) {
    const path = ['image', key];
    if (!(IMAGE_KEYS as readonly string[]).includes(key)) {
      warning(path, `unknown key (ignored); known keys: ${IMAGE_KEYS.join(', ')}`);
      continue;
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      error(path, `expected an array of strings, got ${JSON.stringify(value)}`);
      continue;
    }
    for (const item of value as string[]) {
      const problem = itemProblem(key as ImageKey, item);
      if (problem) error(path, problem);
      else table[key as ImageKey].push(item.trim());
    }
  }
  return table;
}

function itemProblem(key: ImageKey, item: string): string | undefined {
  if (item.trim() === '') return 'an empty string';
  if (key === 'run') {
    return /[\r\n]/.test(item)
      ? `one shell line per item, got a line break in ${JSON.stringify(item)}`
      : undefined;
  }
  const rule = NAME_RULES[key];
  return rule.pattern.test(item.trim())
    ? undefined
    : `\`${item}\` is not a package name ${key} takes (e.g. ${rule.example})`;
}

/** The user's table, then the repo's: lists are joined in that order, repeats dropped. */
export function mergeImageTables(tables: ImageTable[]): ImageTable {
  const merged = emptyImageTable();
  for (const key of IMAGE_KEYS) merged[key] = [...new Set(tables.flatMap((table) => table[key]))];
  return merged;
}
