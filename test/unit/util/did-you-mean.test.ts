import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/util/did-you-mean.js';

describe('did you mean', () => {
  it('counts an adjacent swap as one step', () => {
    expect(editDistance('lsit', 'list')).toBe(1);
    expect(editDistance('doctr', 'doctor')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('the closest, preferring a candidate that starts with the word', () => {
    const commands = ['list', 'ls', 'logs', 'start', 'stop', 'stats', 'doctor'];
    expect(didYouMean('lis', commands)).toEqual(['list']);
    expect(didYouMean('stp', commands)).toEqual(['stop']);
    expect(didYouMean('LIST', commands)).toEqual(['list']);
    expect(didYouMean('kubernetes', commands)).toEqual([]);
  });
});
