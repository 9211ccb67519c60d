import { spawn } from 'node:child_process';

/**
 * Runs a command to completion and times it (wall clock, spawn to exit). Rejects on a non-zero
 * exit unless `allowFailure`.
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const result = {
        code,
        ms,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      };
      if (code !== 0 && !options.allowFailure) {
        const shown = [command, ...args].join(' ');
        reject(new Error(`\`${shown}\` exited ${code}: ${result.stderr.trim().slice(-1500)}`));
      } else resolve(result);
    });
  });
}

/**
 * Starts `command` and resolves once a line of its stdout matches `pattern` (the process is then
 * killed), with the time from `since` (a performance.now() value) to that line.
 */
export function waitForLine(command, args, pattern, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out waiting for ${pattern} from ${command} ${args.join(' ')}`));
    }, options.timeoutMs ?? 600_000);
    const onData = (chunk) => {
      buffered += chunk;
      if (pattern.test(buffered)) {
        clearTimeout(timer);
        const at = performance.now();
        child.kill();
        resolve(at);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      onData(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!pattern.test(buffered))
        reject(new Error(`${command} exited ${code} before ${pattern}: ${stderr.slice(-1000)}`));
    });
  });
}
