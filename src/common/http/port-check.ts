import { createServer } from 'node:net';

/** The address Herald cannot listen on, said in one line that names the settings to change. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Turns a failed bind of `host:port` into a one-line reason, or returns undefined for an error that is not about the
 * address. Used both before start-up (`assertCanListen`) and when the real listen fails (another process may take
 * the port in between).
 */
export function listenFailure(error: unknown, host: string, port: number): ListenError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} on ${host} is already in use (set PORT or HOST)`);
    case 'EACCES':
      return new ListenError(`port ${port} on ${host} needs privileges this process does not have (set PORT above 1023)`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`HOST ${host} is not an address of this machine (set HOST)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`HOST ${host} does not resolve to an address (set HOST)`);
    default:
      return undefined;
  }
}

/**
 * Binds `host:port` and lets it go at once, so that a port in use is reported before the embedded PostgreSQL (which
 * takes seconds) is started. Port 0 only checks the host.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(listenFailure(error, host, port) ?? error));
    // exclusive: a cluster primary must not hand us a shared handle that hides the clash.
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
