import type { Reporter, TestModule } from 'vitest/node';

/**
 * One line per project after the run (`unit: 290 passed`, ...), so a CI log shows at a glance
 * that unit, integration and e2e tests all ran, and how many of each failed or were skipped.
 */
export default class ProjectSummary implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number; files: number }>();
    for (const module of testModules) {
      const name = module.project.name || 'default';
      const entry = counts.get(name) ?? { passed: 0, failed: 0, skipped: 0, files: 0 };
      entry.files += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') entry.passed += 1;
        else if (state === 'failed') entry.failed += 1;
        else entry.skipped += 1;
      }
      counts.set(name, entry);
    }
    const order = ['unit', 'integration', 'e2e'];
    const names = [...counts.keys()].sort(
      (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
    );
    const lines = names.map((name) => {
      const c = counts.get(name)!;
      const extra = [c.failed ? `${c.failed} failed` : '', c.skipped ? `${c.skipped} skipped` : ''].filter(
        Boolean,
      );
      return `  ${name.padEnd(12)} ${c.passed} passed${extra.length ? `, ${extra.join(', ')}` : ''} (${c.files} files)`;
    });
    process.stdout.write(`\n Projects\n${lines.join('\n')}\n`);
  }
}
