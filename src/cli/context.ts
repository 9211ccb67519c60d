import type { Engine } from '../docker/engine.js';
import { Logger } from './logger.js';
import { Progress } from './progress.js';

export interface CommonOptions {
  json?: boolean;
  verbose?: boolean;
}

/** What every command gets: output rules, a lazily connected engine, progress. */
export class CliContext {
  readonly logger: Logger;
  readonly json: boolean;
  #engine: Promise<Engine> | undefined;

  /** The known secrets are already registered: main.ts does it before any action runs. */
  constructor(options: CommonOptions) {
    this.json = options.json ?? false;
    this.logger = new Logger({ verbose: options.verbose ?? false, json: this.json });
  }

  /** Connects on first use; dockerode is only loaded by commands that need an engine. */
  engine(): Promise<Engine> {
    this.#engine ??= (async () => {
      const { resolveEndpoint } = await import('../docker/connect.js');
      const { DockerodeEngine } = await import('../docker/dockerode-engine.js');
      const { LaunchError, messageOf } = await import('../errors.js');
      try {
        return new DockerodeEngine(resolveEndpoint());
      } catch (error) {
        throw new LaunchError('ENGINE_UNREACHABLE', messageOf(error), {
          hint: 'fix DOCKER_HOST or the docker context, or unset them to use the default socket',
          cause: error,
        });
      }
    })();
    return this.#engine;
  }

  /**
   * Makes sure the way back's watcher runs for this engine (core/gate/watch.ts): session commands
   * call it, so a killed or rebooted watcher comes back with the next command. Never fails.
   */
  async ensureWatcher(): Promise<void> {
    try {
      const engine = await this.engine();
      const [{ ensureWatcher }, { hostFacts }] = await Promise.all([
        import('../core/gate/watch.js'),
        import('../config/paths.js'),
      ]);
      ensureWatcher(hostFacts(), engine.endpoint.url);
    } catch (error) {
      this.logger.debug(`the gate watcher did not start: ${String(error)}`);
    }
  }

  progress(): Promise<Progress> {
    return Progress.create(this.logger);
  }

  /** stdout is the contract: one JSON document with `--json`, else the human text. */
  print(data: unknown, human: () => string): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else {
      const text = human();
      if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }
}

export function addCommonOptions<T extends { option(flags: string, description: string): T }>(command: T): T {
  return command
    .option('--json', 'print one JSON document on stdout')
    .option('--verbose', 'log details and timings on stderr');
}
