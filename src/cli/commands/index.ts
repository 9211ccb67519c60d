import type { Command } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerImages } from './images.js';
import { registerLaunch } from './launch.js';

/** One line per command; each command file declares its flags and lazily imports the core. */
export function registerCommands(program: Command): void {
  registerLaunch(program);
  registerDoctor(program);
  registerImages(program);
}
