import { LaunchError, messageOf } from '../errors.js';

/**
 * A file system error on a file the user named, said in words with what to do, instead of
 * `EISDIR: illegal operation on a directory, read`. `what` is e.g. `config file`.
 */
export function fileError(error: unknown, file: string, what: string, hint: string): LaunchError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new LaunchError('FILE_NOT_FOUND', `${what} not found: ${file}`, { hint, cause: error });
    case 'EISDIR':
      return new LaunchError('USAGE', `${file} is a folder, not a ${what}`, { hint, cause: error });
    case 'ENOTDIR':
      return new LaunchError('FILE_NOT_FOUND', `${what} not found: ${file} (a part of the path is a file)`, {
        hint,
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new LaunchError('FILE_NOT_FOUND', `cannot read the ${what} ${file}: permission denied`, {
        hint: `make it readable by you (ls -l ${file})`,
        cause: error,
      });
    default:
      return new LaunchError('FILE_NOT_FOUND', `cannot read the ${what} ${file}: ${messageOf(error)}`, {
        hint,
        cause: error,
      });
  }
}
