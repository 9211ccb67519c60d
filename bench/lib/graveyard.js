import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './proc.js';

/**
 * Deferred removal. On ext4 without a journal (this machine's disk) the inode allocator skips
 * every inode freed in the last 60 s, probing each one: creating thousands of files right after
 * deleting thousands gets several times slower (perf: most of docker-untar's CPU in
 * recently_deleted / find_inode_bit). So nothing is removed between measurements: the copies
 * pile up to a disk budget, then go all at once, followed by `sync` and a cool-down before the
 * next measurement.
 */
export class Graveyard {
  constructor(tracker, { budgetBytes, cooldownSeconds, log }) {
    this.tracker = tracker;
    this.budgetBytes = budgetBytes;
    this.cooldownMs = cooldownSeconds * 1000;
    this.log = log;
    this.pending = [];
    this.pendingBytes = 0;
    this.lastRemoval = 0;
  }

  /** Remembers what a measurement made (`container`, `volume`, host `paths`) and its size. */
  add(outcome, bytes = 0) {
    this.pending.push(outcome);
    this.pendingBytes += bytes;
  }

  /** Room for `bytes` more: removes everything and cools down when the budget would be passed. */
  async reserve(bytes) {
    if (this.pendingBytes + bytes > this.budgetBytes) await this.settle();
  }

  /** Removes everything pending, then waits out the cool-down: the next measurement starts clean. */
  async settle() {
    await this.flush();
    const wait = this.lastRemoval + this.cooldownMs - performance.now();
    if (this.lastRemoval > 0 && wait > 0) {
      this.log(`cool-down ${Math.ceil(wait / 1000)} s (freed inodes age out of ext4's allocator)`);
      await sleep(wait);
    }
  }

  async flush() {
    if (this.pending.length === 0) return;
    const outcomes = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await this.tracker.remove({
      containers: outcomes.map((o) => o.container).filter(Boolean),
      volumes: outcomes.map((o) => o.volume).filter(Boolean),
    });
    for (const o of outcomes) {
      for (const p of o.paths ?? []) await rm(p, { recursive: true, force: true });
    }
    await run('sync', []);
    this.lastRemoval = performance.now();
  }
}
