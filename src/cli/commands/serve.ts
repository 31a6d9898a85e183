import { join } from "node:path";
import type { Command } from "@commander-js/extra-typings";
import { loadCortexConfig } from "../../config/cortex-config.ts";
import { readDpkgDatabase } from "../../inventory/dpkg/read-dpkg-database.ts";
import { readHostFile } from "../../patching/detect-reboot.ts";
import { usageError } from "../../platform/errors.ts";
import { DATABASE_FILE_NAME, resolveDataDir } from "../../platform/paths.ts";
import {
  DEFAULT_LISTEN,
  formatListenAddress,
  isLoopbackAddress,
  type ListenAddress,
  parseListenAddress,
} from "../../server/listen-address.ts";
import { openReadOnlyDatabase } from "../../server/read-only-database.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP } from "../common-options.ts";

/** Shortest accepted token: 16 characters, such as 8 random bytes in hex. */
export const MIN_TOKEN_LENGTH = 16;

/** RFC 6750 `b64token` syntax, so that the token fits an `Authorization: Bearer` header. */
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Adds `cortex security serve`. */
export function registerServeCommand(security: Command, context: CommandContext): void {
  security
    .command("serve")
    .description(
      "serve the recorded status over HTTP, read-only: /healthz, /status, /vulnerabilities, /history and Prometheus /metrics. Runs no scan; stops on SIGTERM or SIGINT",
    )
    .option(
      "--listen <address>",
      "IP:PORT to listen on ([::1]:PORT for IPv6); an address other than loopback requires a token",
      DEFAULT_LISTEN,
    )
    .option(
      "--token <token>",
      `require "Authorization: Bearer <token>" on every request; at least ${MIN_TOKEN_LENGTH} characters (env CORTEX_SERVE_TOKEN, which keeps it out of the process list)`,
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      const { deps, log } = context;
      const address = parseListen(options.listen);
      const token = resolveToken(options.token, deps.env.CORTEX_SERVE_TOKEN, address);

      // The server modules (Hono and the status sources) load only for this command,
      // so that they add nothing to the start-up time of a scan.
      const [{ serveHttp }, { createStatusApp }, { createDatabaseStatusSources }] =
        await Promise.all([
          import("../../platform/bun/serve.ts"),
          import("../../server/create-app.ts"),
          import("../../server/database-status-sources.ts"),
        ]);
      const pathInputs = pathInputsOf(deps);
      const config = loadCortexConfig(pathInputs);
      const dataDir = resolveDataDir(options.dataDir, pathInputs);
      const database = openReadOnlyDatabase(join(dataDir, DATABASE_FILE_NAME));
      const sources = createDatabaseStatusSources({
        database,
        scanRoot: "/",
        runner: deps.runner,
        now: deps.now,
        readHostFile,
        readInstalledPackages: async () => (await readDpkgDatabase("/")).packages,
        runningKernelRelease: deps.runningKernelRelease,
        log,
      });
      const app = createStatusApp(sources, {
        token,
        now: deps.now,
        maxDataAgeDays: config.maxDataAgeDays,
        log,
      });

      // Register before listening, so that a signal arriving during startup still stops cleanly.
      const shutdown = new Promise<string>((resolve) => deps.onShutdown(resolve));
      let server: Awaited<ReturnType<typeof serveHttp>>;
      try {
        server = serveHttp(app.fetch, address);
      } catch (error) {
        database.close();
        throw usageError(
          `failed to listen on ${formatListenAddress(address)}: ${(error as Error).message}; choose another address or port with --listen`,
          error,
        );
      }
      const bound = formatListenAddress({ hostname: server.hostname, port: server.port });
      const access = token === undefined ? "no token" : "bearer token required";
      log.info(
        `cortex status server listening on http://${bound} (${access}, data dir ${dataDir})`,
      );

      const signal = await shutdown;
      log.info(`received ${signal}, stopping the status server on ${bound}`);
      await server.stop();
      database.close();
      log.info(`cortex status server on ${bound} stopped`);
    });
}

function parseListen(value: string): ListenAddress {
  const parsed = parseListenAddress(value);
  if ("error" in parsed) throw usageError(parsed.error);
  return parsed;
}

/**
 * Picks `--token`, else CORTEX_SERVE_TOKEN, checks its syntax, and insists on
 * one for an address other than loopback, because the API lists the host's
 * vulnerabilities.
 */
function resolveToken(
  option: string | undefined,
  fromEnv: string | undefined,
  address: ListenAddress,
): string | undefined {
  const token = option ?? (fromEnv === "" ? undefined : fromEnv);
  if (token === undefined) {
    if (!isLoopbackAddress(address.hostname)) {
      throw usageError(
        `listening on ${formatListenAddress(address)}, which is not a loopback address, requires a token: set CORTEX_SERVE_TOKEN or --token (for example from openssl rand -hex 32)`,
      );
    }
    return undefined;
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw usageError(
      `the serve token is ${token.length} characters long: use at least ${MIN_TOKEN_LENGTH}, for example from openssl rand -hex 32`,
    );
  }
  if (!TOKEN_PATTERN.test(token)) {
    throw usageError(
      "the serve token contains characters a bearer token cannot carry: use letters, digits and - . _ ~ + / (openssl rand -hex 32 gives a valid one)",
    );
  }
  return token;
}
