import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerPort(program: Command): void {
  addCommonOptions(
    program
      .command('port')
      .summary('forward a local port to one in the container')
      .description('forward 127.0.0.1:HOST_PORT to a port inside a running container, until Ctrl-C')
      .argument('<name>', 'container name or unambiguous prefix')
      .argument('<container-port>', 'port a server listens on inside the container')
      .argument('[host-port]', 'port on 127.0.0.1 (default: the same; 0 picks a free one)'),
  ).action(
    async (
      name: string,
      containerPortText: string,
      hostPortText: string | undefined,
      options: CommonOptions,
    ) => {
      const ctx = new CliContext(options);
      const { forwardPort, parsePort } = await import('../../core/sessions/port-forward.js');
      const { requireRunning, resolveSession } = await import('../../core/sessions.js');
      const containerPort = parsePort(containerPortText, 'CONTAINER_PORT');
      const hostPort = hostPortText === undefined ? containerPort : parsePort(hostPortText, 'HOST_PORT');
      const engine = await ctx.engine();
      const session = await resolveSession(engine, name);
      requireRunning(session);
      const forward = await forwardPort(engine, session.id, {
        containerPort,
        hostPort,
        onError: (message) => ctx.logger.warn(message),
      });
      const url = `http://${forward.hostAddress}:${forward.hostPort}`;
      ctx.print(
        {
          name: session.name,
          containerPort,
          hostPort: forward.hostPort,
          hostAddress: forward.hostAddress,
          url,
        },
        () =>
          `forwarding ${forward.hostAddress}:${forward.hostPort} -> ${session.name}:${containerPort} (${url})`,
      );
      ctx.logger.info('press Ctrl-C to stop');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await forward.close();
    },
  );
}
