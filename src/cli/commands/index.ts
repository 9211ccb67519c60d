import type { Command } from 'commander';
import { registerAttach } from './attach.js';
import { registerCode } from './code.js';
import { registerCompleteProtocol, registerCompletion } from './completion.js';
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
import { registerVersion } from './version.js';
import { registerWait } from './wait.js';

/**
 * One line per command, in the groups `--help` shows them; each command file declares its flags
 * and lazily imports the core. A new command goes into the group a reader would look in.
 */
export function registerCommands(program: Command): void {
  registerLaunch(program);

  program.commandsGroup('Working with agent containers:');
  registerList(program);
  registerSync(program);
  registerAttach(program);
  registerShell(program);
  registerExec(program);
  registerLogs(program);
  registerEgress(program);
  registerWait(program);
  registerStats(program);
  registerCode(program);
  registerPort(program);
  registerCp(program);
  registerStop(program);
  registerStart(program);
  registerRm(program);
  registerPrune(program);

  program.commandsGroup('Set-up:');
  registerDoctor(program);
  registerInit(program);
  registerImages(program);
  registerMcp(program);
  registerCompletion(program);

  program.commandsGroup('Help:');
  program.helpCommand('help [command]', 'show the help of a command, with its options and examples');
  registerVersion(program);
  registerCompleteProtocol(program);
}
