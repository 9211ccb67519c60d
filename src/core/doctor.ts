import type { Engine } from '../docker/engine.js';
import { messageOf } from '../errors.js';

export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  remedy?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
}

/** Placeholder: the foundation issue fills in every check. */
export async function runDoctor(deps: { engine: Engine }): Promise<DoctorReport> {
  try {
    const info = await deps.engine.info();
    return { checks: [{ name: 'engine', status: 'ok', detail: `${info.name} ${info.version} at ${info.endpoint}` }] };
  } catch (error) {
    return { checks: [{ name: 'engine', status: 'fail', detail: messageOf(error) }] };
  }
}
