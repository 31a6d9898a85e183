/** A running HTTP server. */
export interface HttpServer {
  /** Address the socket is bound to. */
  hostname: string;
  /** Bound port, which the kernel picks when port 0 was requested. */
  port: number;
  /** Stops accepting connections and closes open ones. */
  stop(): Promise<void>;
}

/**
 * Largest request body accepted, in bytes. The status API takes no bodies,
 * so Bun rejects larger ones with 413 before the app receives them.
 */
const MAX_REQUEST_BODY_BYTES = 1024;

/**
 * Serves `fetch` with Bun's HTTP server on `hostname:port`. This is the only
 * place in cortex that opens a listening socket. Throws when the address
 * cannot be bound (in use, not an address of this host, permission denied).
 */
export function serveHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  address: { hostname: string; port: number },
): HttpServer {
  const server = Bun.serve({
    hostname: address.hostname,
    port: address.port,
    fetch,
    development: false,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // Bun 1.4.5 sets SO_REUSEPORT when `development` is false, although its types document false
    // as the default. A second server on the same port then starts without error and the kernel
    // spreads connections over both, so the option is turned off explicitly.
    reusePort: false,
  });
  return {
    hostname: address.hostname,
    port: server.port ?? address.port,
    stop: () => server.stop(true),
  };
}
