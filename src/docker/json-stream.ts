import type { Readable } from 'node:stream';
import { LaunchError, messageOf } from '../errors.js';
import type { BuildEvent } from './engine.js';

export interface JsonStreamEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Reads the engine's JSON-lines progress stream to its end. Unlike modem.followProgress it
 * keeps the `error` events (a failed RUN arrives as one, then the stream ends normally),
 * survives a non-JSON line, and settles on a stream error or an early close.
 */
export function followJsonStream(
  stream: Readable,
  onEvent: (event: JsonStreamEvent) => void,
): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    let buffer = '';
    let error: string | undefined;
    let settled = false;
    const finish = (streamError?: unknown) => {
      if (settled) return;
      settled = true;
      if (buffer.trim() !== '') handle(buffer);
      const message = error ?? (streamError === undefined ? undefined : messageOf(streamError));
      resolve(message === undefined ? {} : { error: message });
    };
    const handle = (line: string) => {
      if (line.trim() === '') return;
      let event: JsonStreamEvent;
      try {
        event = JSON.parse(line) as JsonStreamEvent;
      } catch {
        event = { stream: `${line}\n` };
      }
      if (event.error || event.errorDetail?.message)
        error ??= (event.errorDetail?.message ?? event.error ?? '').trim();
      onEvent(event);
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        handle(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    stream.on('error', (e) => finish(e));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
  });
}

/** Follows a build: progress per `Step n/m`, the image id, and the failing step with the engine's message. */
export async function followBuild(
  stream: Readable,
  context: Readable,
  tag: string,
  onEvent: ((event: BuildEvent) => void) | undefined,
): Promise<string> {
  let imageId: string | undefined;
  let lastStep = '';
  const tail: string[] = [];
  let contextError: unknown;
  context.once('error', (error) => {
    contextError = error;
    stream.destroy(error);
  });
  const outcome = await followJsonStream(stream, (event) => {
    if (event.aux?.ID) {
      imageId = event.aux.ID;
      onEvent?.({ type: 'id', id: imageId });
    }
    const text = event.stream;
    if (!text) return;
    // Docker prints `Step 3/9 : RUN …`, Podman `STEP 3/9: RUN …`.
    const step = /^step \d+\/\d+ ?: .*/i.exec(text.trim());
    if (step) {
      lastStep = step[0];
      onEvent?.({ type: 'step', text: lastStep });
    } else {
      tail.push(text);
      if (tail.length > 40) tail.shift();
      onEvent?.({ type: 'output', text });
    }
    const built = /Successfully built ([0-9a-f]+)/.exec(text);
    if (built && !imageId) imageId = built[1];
  });
  const failure =
    contextError === undefined
      ? (outcome.error ?? (imageId ? undefined : 'the engine reported no image id'))
      : `reading the build context: ${messageOf(contextError)}`;
  if (failure !== undefined || imageId === undefined) {
    const where = lastStep || 'the start';
    throw new LaunchError(
      'IMAGE_BUILD_FAILED',
      `building ${tag} failed at ${where}: ${(failure ?? '').trim()}`,
      {
        hint: 'rerun with --verbose to see the build output before the failure; --no-cache rebuilds without the cache',
        ...(contextError === undefined ? {} : { cause: contextError }),
        details: { step: lastStep, output: tail.join('') },
      },
    );
  }
  return imageId;
}
