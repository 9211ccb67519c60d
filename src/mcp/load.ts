import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { type ImageTable, isEmptyImageTable, mergeImageTables } from '../config/image-table.js';
import { type HostFacts, userConfigFile } from '../config/paths.js';
import { findRepoConfig } from '../config/repo-config.js';
import { LaunchError } from '../errors.js';
import { fileError } from '../util/file-error.js';
import { type ConfigProblem, formatProblem, type McpServer } from './model.js';
import { type ValidationResult, validateConfig } from './schema.js';

export interface LoadedMcpConfig {
  /** Merged servers in file order: the repo's definition of a name replaces the user's in place. */
  servers: McpServer[];
  /** Unknown keys and the like, as `file:line:col path: message` lines. */
  warnings: string[];
  /** The files that were read (missing ones are skipped). */
  files: string[];
  /** `[image]` of every file, merged (src/config/image-table.ts); undefined when none has one. */
  image?: ImageTable;
}

/** Parses and validates one config text; pure. A syntax error is one problem with line:col. */
export function parseConfigText(text: string, file: string): ValidationResult {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    return {
      servers: [],
      errors: [
        { file, line: error.line, column: error.column, path: '', message: `invalid TOML: ${message}` },
      ],
      warnings: [],
    };
  }
  return validateConfig(doc, file, text);
}

/** Later layers win per server name; a replaced server keeps its place. */
export function mergeLayers(layers: McpServer[][]): McpServer[] {
  const byName = new Map<string, McpServer>();
  for (const layer of layers) for (const server of layer) byName.set(server.name, server);
  return [...byName.values()];
}

/** Throws one CONFIG_INVALID error listing every problem of every file. */
export function assertValid(problems: ConfigProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map(formatProblem);
  throw new LaunchError(
    'CONFIG_INVALID',
    `invalid config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`,
    {
      hint: 'fix the places above; docs/configuration.md lists every key',
      details: { problems },
    },
  );
}

export interface LoadOptions {
  /** The repo whose config (`.launch-agent/config.toml`) is merged over the user's. */
  repoDir?: string;
  host: HostFacts;
  /** Read exactly these files instead (later ones win), e.g. `mcp convert FILE`. */
  files?: string[];
}

/**
 * The user's config.toml, then the repo's (src/config/repo-config.ts says which file) over it;
 * missing files are fine.
 */
export async function loadMcpConfig(options: LoadOptions): Promise<LoadedMcpConfig> {
  const explicit = options.files !== undefined;
  const texts: Array<{ file: string; text: string }> = [];
  const notes: string[] = [];
  for (const file of options.files ?? [userConfigFile(options.host)]) {
    const text = await readIfPresent(file, explicit);
    if (text !== undefined) texts.push({ file, text });
  }
  if (!explicit && options.repoDir) {
    const repo = await findRepoConfig(options.repoDir);
    if (repo) texts.push(repo);
    if (repo?.note) notes.push(repo.note);
  }
  const layers: McpServer[][] = [];
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const images: ImageTable[] = [];
  for (const { file, text } of texts) {
    const result = parseConfigText(text, file);
    layers.push(result.servers);
    if (result.image) images.push(result.image);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  assertValid(errors);
  const image = mergeImageTables(images);
  return {
    servers: mergeLayers(layers),
    warnings: [...notes, ...warnings.map(formatProblem)],
    files: texts.map((t) => t.file),
    ...(isEmptyImageTable(image) ? {} : { image }),
  };
}

async function readIfPresent(file: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw fileError(error, file, 'config file', 'pass the path of a config.toml file');
  }
}
