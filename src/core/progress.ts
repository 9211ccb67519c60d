/** Progress callback the core accepts; it never knows about spinners (cli/progress.ts renders it). */
export type ProgressFn = (event: ProgressEvent) => void;

export interface ProgressEvent {
  /** Short step id, e.g. `images`, `create`, `copy`. */
  step: string;
  message: string;
  /** `done` closes the step; `update` changes its text. */
  state?: 'start' | 'update' | 'done' | 'fail';
}
