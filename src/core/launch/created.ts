import type { Engine } from '../../docker/engine.js';
import { dropSessionRefs } from '../../git/host-gate.js';

/** Tracks what this launch made; disposal removes it unless the launch succeeded. */
export class CreatedObjects implements AsyncDisposable {
  container: string | undefined;
  /** The workspace copy's helper container while it runs (the engine removes it after). */
  helper: string | undefined;
  volume: string | undefined;
  /** The session's refs in the host repo (its pin): `{ gitDir, session }`. */
  hostRefs: { gitDir: string; session: string } | undefined;
  #kept = false;
  readonly #engine: Engine;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  keep(): void {
    this.#kept = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    // A helper already on its way out may hold the volume a moment longer: removeVolume waits.
    if (this.helper) await this.#engine.removeContainer(this.helper, { force: true }).catch(() => undefined);
    if (this.#kept) return;
    if (this.container)
      await this.#engine.removeContainer(this.container, { force: true }).catch(() => undefined);
    if (this.volume) await this.#engine.removeVolume(this.volume).catch(() => undefined);
    if (this.hostRefs)
      await dropSessionRefs(this.hostRefs.gitDir, this.hostRefs.session).catch(() => undefined);
  }
}
