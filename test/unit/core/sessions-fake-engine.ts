import type { ContainerSummary, Engine, ExecOptions, ExecResult } from '../../../src/docker/engine.js';
import { Labels } from '../../../src/docker/labels.js';

/** Test double for the engine calls the session core makes; records what it was asked. */
export interface FakeContainer {
  name: string;
  state?: string;
  agent?: string;
  repo?: string;
  created?: string;
  /** What the git status script prints in it (or a failure). */
  git?: ExecResult;
}

export class FakeEngine {
  readonly removedContainers: string[] = [];
  readonly removedVolumes: string[] = [];
  readonly created: string[] = [];
  readonly execs: Array<{ id: string; options: ExecOptions }> = [];
  readonly stopped: string[] = [];
  readonly started: string[] = [];
  volumes: string[];
  containers: FakeContainer[];

  constructor(containers: FakeContainer[], volumes?: string[]) {
    this.containers = containers;
    this.volumes = volumes ?? containers.map((c) => `${c.name}-workspace`);
  }

  asEngine(): Engine {
    return this as unknown as Engine;
  }

  summary(c: FakeContainer): ContainerSummary {
    return {
      id: `id-${c.name}`,
      name: c.name,
      image: 'launch-agent/claude:abc',
      state: c.state ?? 'running',
      status: '',
      created: 1_700_000_000,
      labels: {
        [Labels.managed]: 'true',
        [Labels.kind]: 'container',
        [Labels.agent]: c.agent ?? 'claude',
        [Labels.repo]: c.repo ?? 'repo',
        [Labels.branch]: 'claude/x',
        [Labels.volume]: `${c.name}-workspace`,
        ...(c.created ? { [Labels.created]: c.created } : {}),
      },
    };
  }

  async listContainers(options: {
    all?: boolean;
    labels: Record<string, string>;
  }): Promise<ContainerSummary[]> {
    return this.containers
      .map((c) => this.summary(c))
      .filter((c) => options.all || c.state === 'running')
      .filter((c) => Object.entries(options.labels).every(([key, value]) => c.labels[key] === value));
  }

  async listVolumes(): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    return this.volumes.map((name) => ({ name, labels: {} }));
  }

  async exec(id: string, options: ExecOptions): Promise<ExecResult> {
    this.execs.push({ id, options });
    const name = id.replace(/^id-/, '').replace(/-check-[0-9a-f]+$/, '');
    const c = this.containers.find((x) => x.name === name);
    return c?.git ?? { exitCode: 0, stdout: '@@launch-agent-status@@\n', stderr: '' };
  }

  async inspectContainer(id: string) {
    const c = this.containers.find((x) => `id-${x.name}` === id);
    if (!c) return undefined;
    return {
      id,
      name: c.name,
      image: 'launch-agent/claude:abc',
      user: '1000:1000',
      labels: this.summary(c).labels,
      mounts: [],
    };
  }

  async createContainer(spec: { name: string }): Promise<string> {
    this.created.push(spec.name);
    return `id-${spec.name}`;
  }

  async startContainer(id: string): Promise<void> {
    this.started.push(id);
  }

  async stopContainer(id: string): Promise<void> {
    this.stopped.push(id);
  }

  async removeContainer(id: string): Promise<void> {
    this.removedContainers.push(id);
  }

  async removeVolume(name: string): Promise<void> {
    this.removedVolumes.push(name);
  }
}

export function gitOutput(unpushed: string[], uncommitted: string[] = [], exitCode = 0): ExecResult {
  return {
    exitCode,
    stdout: [...unpushed, '@@launch-agent-status@@', ...uncommitted, ''].join('\n'),
    stderr: exitCode === 0 ? '' : 'fatal: not a git repository',
  };
}
