import { isIPv4, isIPv6 } from "node:net";

/** Address of the status server when `--listen` is not given. */
export const DEFAULT_LISTEN = "127.0.0.1:9470";

/** An IP address and TCP port to listen on. Port 0 lets the kernel pick a free port. */
export interface ListenAddress {
  /** IP literal without brackets: `127.0.0.1`, `::1`. */
  hostname: string;
  port: number;
}

/**
 * Parses `HOST:PORT`, with IPv6 addresses in brackets (`[::1]:9470`). Host
 * names are rejected because the loopback check below must see the address
 * itself, not a name that /etc/hosts could map anywhere. Returns an error
 * message in place of the address when the value is invalid.
 */
export function parseListenAddress(value: string): ListenAddress | { error: string } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(value);
  const hostname = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const usage = "use IP:PORT such as 127.0.0.1:9470, or [::1]:9470 for IPv6";
  if (!match || hostname === undefined) {
    return { error: `invalid --listen address "${value}": ${usage}` };
  }
  const bracketed = match[1] !== undefined;
  const validHost = bracketed ? isIPv6(hostname) : isIPv4(hostname);
  if (!validHost) {
    return { error: `invalid --listen host "${hostname}": it must be an IP address; ${usage}` };
  }
  if (port > 65_535) {
    return { error: `invalid --listen port ${port}: use a port from 0 to 65535` };
  }
  return { hostname, port };
}

/**
 * True for 127.0.0.0/8, `::1` and IPv4-mapped loopback (`::ffff:127.0.0.1`).
 * Rarer spellings of IPv6 loopback count as not loopback, which errs towards
 * asking for a token.
 */
export function isLoopbackAddress(hostname: string): boolean {
  const address = hostname.toLowerCase();
  if (isIPv4(address)) return address.startsWith("127.");
  if (!isIPv6(address)) return false;
  if (address === "::1" || address === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  return mapped?.[1] !== undefined && isLoopbackAddress(mapped[1]);
}

/** Formats an address for logs and URLs, with IPv6 in brackets. */
export function formatListenAddress(address: ListenAddress): string {
  return isIPv6(address.hostname)
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}
