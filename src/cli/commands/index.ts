import type { Command } from 'commander';
import { registerAttach } from './attach.js';
import { registerCode } from './code.js';
import { registerCompletion } from './completion.js';
import { registerCp } from './cp.js';
import { registerDoctor } from './doctor.js';
import { registerEgress } from './egress.js';
import { registerExec } from './exec.js';
import { registerImages } from './images.js';
import { registerInit } from './init.js';
import { registerLaunch } from './launch.js';
import { registerList } from './list.js';
import { registerLogs } from './logs.js';
import { registerMcp } from './mcp.js';
import { registerPort } from './port.js';
import { registerPrune } from './prune.js';
import { registerRm } from './rm.js';
import { registerShell } from './shell.js';
import { registerStart } from './start.js';
import { registerStats } from './stats.js';
import { registerStop } from './stop.js';
import { registerSync } from './sync.js';
import { registerWait } from './wait.js';

/** One line per command; each command file declares its flags and lazily imports the core. */
export function registerCommands(program: Command): void {
  registerLaunch(program);
  registerDoctor(program);
  registerImages(program);
  registerList(program);
  registerShell(program);
  registerAttach(program);
  registerExec(program);
  registerLogs(program);
  registerEgress(program);
  registerWait(program);
  registerStats(program);
  registerStop(program);
  registerStart(program);
  registerRm(program);
  registerPrune(program);
  registerSync(program);
  registerCp(program);
  registerPort(program);
  registerCode(program);
  registerInit(program);
  registerMcp(program);
  registerCompletion(program);
}
