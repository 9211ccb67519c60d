import { describe, expect, it } from 'vitest';
import { cleanUpPromptRun, FINGERPRINT_SCRIPT } from '../../../src/core/sessions/prompt-run.js';
import type { ExecOptions, ExecResult } from '../../../src/docker/engine.js';
import { FakeEngine, gitOutput } from '../../helpers/fake-engine.js';

/** The fake engine, with the workspace's fingerprint after the run. */
class PromptEngine extends FakeEngine {
  constructor(
    readonly after: string,
    unpushed: string[] = [],
  ) {
    super([{ name: 'gemini-app-p', git: gitOutput(unpushed) }]);
  }

  override async exec(id: string, options: ExecOptions): Promise<ExecResult> {
    if (options.cmd[2] === FINGERPRINT_SCRIPT) return { exitCode: 0, stdout: `${this.after}\n`, stderr: '' };
    return super.exec(id, options);
  }
}

const session = { id: 'id-gemini-app-p', name: 'gemini-app-p' };

describe('a --prompt run’s session', () => {
  it('goes, with its workspace, when the agent left nothing: no unpushed commit, files as they were', async () => {
    const engine = new PromptEngine('h i t');
    expect(await cleanUpPromptRun(engine.asEngine(), session, 'h i t', { keep: false })).toEqual({
      removed: true,
      kept: null,
    });
    expect(engine.removedContainers).toEqual(['id-gemini-app-p']);
    expect(engine.removedVolumes).toEqual(['gemini-app-p-workspace']);
  });

  it('stays, saying why, when the agent changed files or left commits unpushed', async () => {
    const changed = await cleanUpPromptRun(new PromptEngine('h i t2').asEngine(), session, 'h i t', {
      keep: false,
    });
    expect(changed.removed).toBe(false);
    expect(changed.kept).toMatch(/^kept gemini-app-p: the agent left changes to the files not yet committed/);
    expect(changed.kept).toMatch(/`launch-agent rm gemini-app-p` once its work is pushed/);
    const engine = new PromptEngine('h i t', ['abc1234 work']);
    const commits = await cleanUpPromptRun(engine.asEngine(), session, 'h i t', { keep: false });
    expect(commits.kept).toMatch(/the agent left 1 unpushed commit;/);
    expect(engine.removedContainers).toEqual([]);
  });

  it('stays with --keep, and when the workspace could not be read before the run', async () => {
    expect(
      (await cleanUpPromptRun(new PromptEngine('x').asEngine(), session, 'x', { keep: true })).kept,
    ).toMatch(/as --keep asked/);
    expect(
      (await cleanUpPromptRun(new PromptEngine('x').asEngine(), session, undefined, { keep: false })).kept,
    ).toMatch(/could not read before the run/);
  });
});
