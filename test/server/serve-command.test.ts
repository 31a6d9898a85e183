import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveHttp } from "../../src/platform/bun/serve.ts";
import { createMemoryStream } from "../../src/platform/output-stream.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { saveScan } from "../../src/store/scan-store.ts";
import { runCli } from "../helpers/cli-harness.ts";
import { sampleScan, TOKEN } from "./status-fixtures.ts";

type ShutdownHandler = (signal: "SIGTERM" | "SIGINT") => void;

describe("cortex security serve", () => {
  let work: string;
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "cortex-serve-command-"));
    dataDir = join(work, "data");
    const configDir = join(work, "config");
    mkdirSync(configDir);
    env = { CORTEX_CONFIG_DIR: configDir };
    const db = openDatabase(dataDir);
    saveScan(db, { ...sampleScan(), id: null });
    db.$client.close();
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** Starts serve in-process and waits for its start line; returns the base URL and a stop function. */
  async function startServe(args: string[], extraEnv: Record<string, string> = {}) {
    const stderr = createMemoryStream();
    let shutdown: ShutdownHandler | undefined;
    const finished = runCli(["security", "serve", "--data-dir", dataDir, ...args], {
      env: { ...env, ...extraEnv },
      stderr,
      onShutdown: (handler) => {
        shutdown = handler;
      },
    });
    const deadline = Date.now() + 5000;
    let match: RegExpExecArray | null = null;
    while (match === null && Date.now() < deadline) {
      match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr.text());
      if (match === null) await Bun.sleep(10);
    }
    if (match === null) throw new Error(`serve did not start: ${stderr.text()}`);
    const base = match[1] as string;
    const stop = async (signal: "SIGTERM" | "SIGINT") => {
      shutdown?.(signal);
      const result = await finished;
      return { ...result, stderr: stderr.text() };
    };
    return { base, stop };
  }

  test("serves the recorded scan and stops on SIGTERM", async () => {
    const server = await startServe(["--listen", "127.0.0.1:0"]);
    const response = await fetch(`${server.base}/vulnerabilities?severity=critical`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { total: number; scannedAt: string };
    expect(body.total).toBe(1);
    expect(body.scannedAt).toBe("2026-12-04T11:00:00.000Z");

    const result = await server.stop("SIGTERM");
    expect(result.exitCode).toBe(0);
    const address = server.base.slice("http://".length);
    expect(result.stderr).toContain(`cortex status server listening on http://${address}`);
    expect(result.stderr).toContain(`received SIGTERM, stopping the status server on ${address}`);
    expect(result.stderr).toContain(`cortex status server on ${address} stopped`);
    await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
  });

  test("takes the token from CORTEX_SERVE_TOKEN", async () => {
    const server = await startServe(["--listen", "127.0.0.1:0"], { CORTEX_SERVE_TOKEN: TOKEN });
    expect((await fetch(`${server.base}/status`)).status).toBe(401);
    const authorized = await fetch(`${server.base}/status`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(authorized.status).toBe(200);
    const result = await server.stop("SIGINT");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("bearer token required");
    expect(result.stderr).not.toContain(TOKEN);
  });

  test("non-loopback address needs a token", async () => {
    const result = await runCli(
      ["security", "serve", "--listen", "0.0.0.0:0", "--data-dir", dataDir],
      { env },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("0.0.0.0:0, which is not a loopback address, requires a token");
  });

  test("rejects a short token", async () => {
    const result = await runCli(["security", "serve", "--token", "secret", "--data-dir", dataDir], {
      env,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("the serve token is 6 characters long");
  });

  test("rejects a token with spaces", async () => {
    const result = await runCli(
      ["security", "serve", "--token", "correct horse battery staple", "--data-dir", dataDir],
      { env },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("characters a bearer token cannot carry");
  });

  test("rejects a host name", async () => {
    const result = await runCli(
      ["security", "serve", "--listen", "localhost:9470", "--data-dir", dataDir],
      { env },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('invalid --listen host "localhost"');
  });

  test("port in use is a clear error", async () => {
    const blocker = serveHttp(() => new Response(""), { hostname: "127.0.0.1", port: 0 });
    try {
      const result = await runCli(
        ["security", "serve", "--listen", `127.0.0.1:${blocker.port}`, "--data-dir", dataDir],
        { env },
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`failed to listen on 127.0.0.1:${blocker.port}`);
    } finally {
      await blocker.stop();
    }
  });

  test("real process stops on SIGTERM", async () => {
    const child = Bun.spawn(
      [
        process.execPath,
        join(import.meta.dir, "..", "..", "src", "main.ts"),
        "security",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        dataDir,
      ],
      {
        env: { ...env, PATH: process.env.PATH ?? "/usr/bin:/bin" },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const reader = child.stderr.getReader();
    const decoder = new TextDecoder();
    let stderr = "";
    let match: RegExpExecArray | null = null;
    while (match === null) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited before listening: ${stderr}`);
      stderr += decoder.decode(value, { stream: true });
      match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    }
    expect((await fetch(`${match[1]}/healthz`)).status).toBe(200);

    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
    }
    expect(await child.exited).toBe(0);
    expect(stderr).toContain("received SIGTERM, stopping the status server");
    expect(stderr).toMatch(/cortex status server on 127\.0\.0\.1:\d+ stopped/);
  }, 15_000);
});
