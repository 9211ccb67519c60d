import type { HostFacts } from '../config/paths.js';
import type { AgentMcpServer } from '../mcp/model.js';

/** Every agent, in the order commands list them: a help text needs the names, not the descriptors. */
export const AGENT_NAMES = ['claude', 'codex', 'copilot', 'gemini'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** One host login location: a file or directory, found through the agent's env override or its default. */
export interface AuthLocation {
  /** Absolute path on the host. */
  hostPath: string;
  /** Path relative to the agent's home in the container, e.g. `.claude/.credentials.json`. */
  homePath: string;
  kind: 'file' | 'dir';
  /**
   * Files holding refresh tokens: symlinked (not copied) into the home, and the only files
   * `--auth rw` mounts read-write. Paths are relative to `homePath` for a dir.
   */
  credentialFiles: string[];
  /** Shown by doctor: which env var moved it, if any. */
  via?: string;
}

export interface AgentDescriptor {
  name: AgentName;
  displayName: string;
  npmPackage: string;
  binary: string;
  minNode: number;
  /** Build argument choosing the npm version in images/agents. */
  versionArg: string;
  /** Per-agent image, `launch-agent/<name>`. */
  image: string;
  /** Host login locations for this OS (env overrides applied). */
  authLocations(host: HostFacts): AuthLocation[];
  /** macOS keychain item holding the login, if the agent uses one. */
  keychainItem?: string;
  /** Env vars that log the agent in, in precedence order (read from the secrets file). */
  tokenEnv: string[];
  /**
   * Set when the host login holds single-use refresh tokens (a container refreshing a copy can
   * log the host out): doctor recommends this long-lived token in the secrets file instead.
   */
  longLivedToken?: { env: string; how: string };
  /** Its API and login hosts: the built-in `agent` group of `--network allowlist`. */
  egressHosts: string[];
  /** Env set in the container for this agent (non-secret only). */
  containerEnv: Record<string, string>;
  /** Interactive command in /workspace. */
  interactive: string[];
  /**
   * Shell run in the agent's terminal before its interactive command (secrets loaded): what the
   * agent needs to start without a login dialog when only a token is there.
   */
  interactivePrelude?: string;
  /** Headless command for `--prompt TEXT`. */
  headless(prompt: string): string[];
  /**
   * First-run seeds: files (relative to the home) merged so the agent starts without
   * onboarding, login-method or folder-trust prompts, and reports its activity through its
   * hooks (images/agents/launch-agent-activity). `existing` is the file's current text, if any.
   */
  seeds: Array<{ homePath: string; merge(existing: string | undefined, facts?: SeedFacts): string }>;
  /**
   * Env for the agent's own process from the container's limits, for agents that size
   * themselves by the machine's RAM rather than the container's.
   */
  agentEnv?(limits: { memoryBytes: number }): Record<string, string>;
  /** Where the agent reads MCP servers and how ours are merged in (see src/mcp). */
  mcp: AgentMcpWriter;
}

/** What a seed may know of the launch: names only, never a secret's value. */
export interface SeedFacts {
  /** Variable names the secrets file sets. */
  secretNames: readonly string[];
  /** Home paths of the host logins mounted, e.g. `.gemini/oauth_creds.json`. */
  logins: readonly string[];
}

/** Writes `config.toml`'s servers into the agent's own MCP config. */
export interface AgentMcpWriter {
  /** Relative to the agent's home, e.g. `.claude.json`. */
  homePath: string;
  /**
   * `existing` is the file's current text (host copy, after any seed for the same file): its other
   * settings and servers are kept, ours win on a name clash, and merging twice changes nothing.
   * `${VAR}` references stay references: no secret value is ever resolved here.
   */
  merge(existing: string | undefined, servers: readonly AgentMcpServer[]): string;
  /** What this agent cannot express of a server, as warnings (the rest is still written). */
  limits(server: AgentMcpServer): string[];
}
