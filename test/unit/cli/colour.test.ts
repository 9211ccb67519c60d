import { describe, expect, it } from 'vitest';
import { colourChoiceOf, useColour } from '../../../src/cli/colour.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colour', () => {
  it('on a terminal, off in a pipe or with TERM=dumb', () => {
    expect(useColour(tty, {}, 'auto')).toBe(true);
    expect(useColour(pipe, {}, 'auto')).toBe(false);
    expect(useColour(tty, { TERM: 'dumb' }, 'auto')).toBe(false);
  });

  it('NO_COLOR (any non-empty value) turns it off, FORCE_COLOR on (0/false off)', () => {
    expect(useColour(tty, { NO_COLOR: '1' }, 'auto')).toBe(false);
    expect(useColour(tty, { NO_COLOR: '' }, 'auto')).toBe(true);
    expect(useColour(pipe, { FORCE_COLOR: '1' }, 'auto')).toBe(true);
    expect(useColour(pipe, { FORCE_COLOR: '' }, 'auto')).toBe(true);
    expect(useColour(tty, { FORCE_COLOR: '0' }, 'auto')).toBe(false);
    expect(useColour(tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, 'auto')).toBe(false);
  });

  it('--no-color / --color win over the environment; the last one given counts, none after --', () => {
    expect(useColour(tty, {}, 'never')).toBe(false);
    expect(useColour(pipe, { NO_COLOR: '1' }, 'always')).toBe(true);
    expect(colourChoiceOf(['node', 'la', 'doctor', '--no-color'])).toBe('never');
    expect(colourChoiceOf(['node', 'la', '--no-color', '--color'])).toBe('always');
    expect(colourChoiceOf(['node', 'la', 'exec', 'x', '--', 'ls', '--no-color'])).toBe('auto');
  });
});
