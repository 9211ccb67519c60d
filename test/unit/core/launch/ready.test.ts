import { describe, expect, it } from 'vitest';
import { FOREIGN_LAUNCH_GRACE_MS, launchInProgress } from '../../../../src/core/launch/ready.js';
import { Labels } from '../../../../src/docker/labels.js';

describe('launchInProgress', () => {
  const now = 1_800_000_000_000;
  it('is false for objects made before the label (their launches always finished or cleaned up)', () => {
    expect(launchInProgress({}, now, { now })).toBe(false);
  });
  it('follows the launcher process on this machine', () => {
    const labels = { [Labels.launch]: 'box 4242' };
    expect(launchInProgress(labels, now, { now, host: 'box', alive: (pid) => pid === 4242 })).toBe(true);
    expect(launchInProgress(labels, now, { now, host: 'box', alive: () => false })).toBe(false);
  });
  it('gives a launch from another machine a grace, then counts it over', () => {
    const labels = { [Labels.launch]: 'elsewhere 1' };
    expect(launchInProgress(labels, now - 1000, { now, host: 'box', alive: () => true })).toBe(true);
    expect(launchInProgress(labels, now - FOREIGN_LAUNCH_GRACE_MS - 1, { now, host: 'box' })).toBe(false);
  });
});
