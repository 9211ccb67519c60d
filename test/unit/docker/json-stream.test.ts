import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { followBuild, followJsonStream } from '../../../src/docker/json-stream.js';
import { LaunchError } from '../../../src/errors.js';

const line = (event: object) => `${JSON.stringify(event)}\n`;

describe('followJsonStream', () => {
  it('keeps the engine error event that arrives before a normal end', async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    const done = followJsonStream(stream, (e) => seen.push(e.stream ?? e.error ?? ''));
    stream.write(line({ stream: 'Step 1/2 : FROM x\n' }));
    // Split across chunks, as sockets do.
    const error = line({
      errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" },
      error: 'x',
    });
    stream.write(error.slice(0, 10));
    stream.end(error.slice(10));
    expect(await done).toEqual({ error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" });
    expect(seen).toHaveLength(2);
  });

  it('settles on a stream error and on a close without end, and survives a non-JSON line', async () => {
    const broken = new PassThrough();
    const failed = followJsonStream(broken, () => {});
    broken.write('not json\n');
    broken.destroy(new Error('socket hang up'));
    expect(await failed).toEqual({ error: 'socket hang up' });

    const closed = new PassThrough();
    const ended = followJsonStream(closed, () => {});
    closed.write(line({ stream: 'partial' }));
    closed.destroy();
    expect(await ended).toEqual({});
  });
});

describe('followBuild', () => {
  it('returns the image id of a successful build and reports steps', async () => {
    const stream = new PassThrough();
    const steps: string[] = [];
    const result = followBuild(stream, new PassThrough(), 'x:1', (e) => {
      if (e.type === 'step') steps.push(e.text);
    });
    stream.write(line({ stream: 'Step 1/1 : FROM scratch\n' }));
    stream.write(line({ aux: { ID: 'sha256:abc' } }));
    stream.end(line({ stream: 'Successfully built abc\n' }));
    expect(await result).toBe('sha256:abc');
    expect(steps).toEqual(['Step 1/1 : FROM scratch']);
  });

  it('fails with the failing step and the engine message', async () => {
    const stream = new PassThrough();
    const result = followBuild(stream, new PassThrough(), 'launch-agent/base:1', undefined);
    stream.write(line({ stream: 'Step 3/9 : RUN exit 3\n' }));
    stream.end(line({ error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }));
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).code).toBe('IMAGE_BUILD_FAILED');
    expect((error as LaunchError).message).toBe(
      "building launch-agent/base:1 failed at Step 3/9 : RUN exit 3: The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    );
  });

  it('fails instead of hanging when the context stream breaks', async () => {
    const stream = new PassThrough();
    const context = new PassThrough();
    const result = followBuild(stream, context, 'x:1', undefined);
    context.destroy(new Error('EIO: read error'));
    await expect(result).rejects.toThrow('reading the build context: EIO: read error');
  });

  it('reads Podman step lines too', async () => {
    const stream = new PassThrough();
    const result = followBuild(stream, new PassThrough(), 'x:1', undefined);
    stream.write(line({ stream: 'STEP 2/3: RUN false\n' }));
    stream.end(line({ error: 'building at STEP "RUN false": exit status 1' }));
    await expect(result).rejects.toThrow(
      'failed at STEP 2/3: RUN false: building at STEP "RUN false": exit status 1',
    );
  });

  it('fails when the engine ends without an image id', async () => {
    const stream = new PassThrough();
    const result = followBuild(stream, new PassThrough(), 'x:1', undefined);
    stream.end();
    await expect(result).rejects.toThrow('the engine reported no image id');
  });
});
