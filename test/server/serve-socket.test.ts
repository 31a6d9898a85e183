import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type HttpServer, serveHttp } from "../../src/platform/bun/serve.ts";
import { createStatusApp } from "../../src/server/create-app.ts";
import { parsePrometheusText } from "./prometheus-text-parser.ts";
import { fakeSources, NOW, TOKEN } from "./status-fixtures.ts";

// One real socket on loopback, port chosen by the kernel: the only traffic these tests make.
describe("status server over a socket", () => {
  let server: HttpServer;
  let base: string;

  beforeAll(() => {
    const app = createStatusApp(fakeSources(), { token: TOKEN, now: () => NOW, maxDataAgeDays: 7 });
    server = serveHttp(app.fetch, { hostname: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.stop();
  });

  const authorized = { headers: { Authorization: `Bearer ${TOKEN}` } };

  test("binds a kernel-chosen port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.hostname).toBe("127.0.0.1");
  });

  test("answers /status with the token", async () => {
    const response = await fetch(`${base}/status`, authorized);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    const body = (await response.json()) as { lastScan: { scanId: number } };
    expect(body.lastScan.scanId).toBe(7);
  });

  test("HEAD sends GET's Content-Length", async () => {
    const get = await fetch(`${base}/status`, authorized);
    const head = await fetch(`${base}/status`, { ...authorized, method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(0);
    expect(await head.text()).toBe("");
  });

  test("rejects a request without the token", async () => {
    const response = await fetch(`${base}/status`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: "missing or invalid bearer token: send Authorization: Bearer <token>",
    });
  });

  test("serves parseable metrics", async () => {
    const response = await fetch(`${base}/metrics`, authorized);
    expect(response.status).toBe(200);
    const families = parsePrometheusText(await response.text());
    expect(families.get("cortex_reboot_pending")?.samples[0]?.value).toBe(1);
  });

  test("rejects a large request body", async () => {
    const response = await fetch(`${base}/status`, {
      method: "POST",
      headers: authorized.headers,
      body: "x".repeat(64 * 1024),
    });
    expect([405, 413]).toContain(response.status);
  });
});
