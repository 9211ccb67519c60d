import Module from 'node:module';

/**
 * dockerode loads its SSH transport (ssh2) and BuildKit session code (gRPC) eagerly: about a
 * third of a second of compiling on every command, for features most runs never touch. This
 * defers those modules to their first use. Imported by dockerode-engine.ts before dockerode, which
 * stays true in dist/bundle/: esbuild keeps the import order.
 */
type Loader = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };

/** Which requires to defer, and the shape callers use right away (a function, or an object). */
function deferred(
  request: string,
  parent: { filename?: string } | undefined,
): 'function' | 'object' | undefined {
  // docker-modem's SSH transport and dockerode's BuildKit session, as their package requires them
  // (tsc's dist/, tests) and as dist/bundle/ does (scripts/bundle.js leaves them to Node).
  const from = parent?.filename ?? '';
  if (request === './ssh' && /[\\/]docker-modem[\\/]/.test(from)) return 'function';
  if (request === './session' && /[\\/]dockerode[\\/]lib[\\/]/.test(from)) return 'function';
  if (request === 'docker-modem/lib/ssh.js' || request === 'dockerode/lib/session.js') return 'function';
  if (request === '@grpc/grpc-js' || request === '@grpc/proto-loader') return 'object';
  return undefined;
}

const installed = Symbol.for('launch-agent.lazy-modules');
const registry = globalThis as { [installed]?: boolean };

if (!registry[installed]) {
  registry[installed] = true;
  const load = moduleWithLoad._load;
  moduleWithLoad._load = function lazyLoad(this: unknown, request, parent, isMain) {
    const shape = deferred(request, parent);
    if (!shape) return load.call(this, request, parent, isMain);
    let real: unknown;
    const resolve = () => {
      real ??= load.call(this, request, parent, isMain);
      return real as Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown);
    };
    if (shape === 'function') {
      return function deferredModule(this: unknown, ...args: unknown[]) {
        return resolve().apply(this, args);
      };
    }
    return new Proxy(
      {},
      {
        get: (_target, key) => resolve()[key],
        has: (_target, key) => key in resolve(),
      },
    );
  };
}
