import type { Engine } from '../../docker/engine.js';

/** Tracks what this launch made; disposal removes it unless the launch succeeded. */
export class CreatedObjects implements AsyncDisposable {
  container: string | undefined;
  /** The workspace copy's helper container while it runs (the engine removes it after). */
  helper: string | undefined;
  volume: string | undefined;
  #kept = false;
  readonly #engine: Engine;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  keep(): void {
    this.#kept = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.helper) await this.#removeHelper(this.helper);
    if (this.#kept) return;
    if (this.container)
      await this.#engine.removeContainer(this.container, { force: true }).catch(() => undefined);
    if (this.volume) await this.#engine.removeVolume(this.volume).catch(() => undefined);
  }

  /**
   * The helper may already be on its way out (auto-removed as it exits, or removed by an
   * interruption): a second removal then fails at once while the first still holds the volume,
   * so wait until it is gone (a few seconds at most) before the volume goes.
   */
  async #removeHelper(id: string): Promise<void> {
    await this.#engine.removeContainer(id, { force: true }).catch(() => undefined);
    for (let waited = 0; waited < 5000; waited += 50) {
      const gone = await this.#engine.inspectContainer(id).then(
        (details) => details === undefined,
        () => true,
      );
      if (gone) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
