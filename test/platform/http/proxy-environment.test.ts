import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";

// The client passes no `proxy` option: Bun's fetch reads HTTP_PROXY, HTTPS_PROXY and
// NO_PROXY itself. These tests pin that down by running the client in a child process
// with the variables set, against a counting forward proxy on 127.0.0.1.

const CLIENT_MODULE = join(import.meta.dir, "../../../src/platform/http/json-http-client.ts");

const CLIENT_SCRIPT = `
const { createJsonHttpClient } = await import(${JSON.stringify(CLIENT_MODULE)});
const client = createJsonHttpClient({ fetch, timeoutMs: 5000, retry: { retries: 0 } });
const response = await client.request({ method: "GET", url: process.argv[1], label: "proxy probe" });
console.log(response.body.id);
`;

let mock: MockAdvisoryServer;
let proxy: ReturnType<typeof Bun.serve>;
let proxied: string[];

beforeEach(() => {
  mock = startRecordedMock();
  proxied = [];
  // An HTTP forward proxy receives the absolute URL as the request target.
  proxy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      proxied.push(request.url);
      const upstream = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
      });
      return new Response(await upstream.arrayBuffer(), {
        status: upstream.status,
        headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
      });
    },
  });
});

afterEach(async () => {
  await proxy.stop(true);
  await mock.stop();
});

async function runClient(env: Record<string, string>): Promise<string> {
  const child = Bun.spawn(
    [process.execPath, "-e", CLIENT_SCRIPT, `${mock.osvUrl}/v1/vulns/DLA-3008-1`],
    { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  expect(stderr).toBe("");
  expect(exitCode).toBe(0);
  return stdout.trim();
}

describe("proxy environment", () => {
  test("HTTP_PROXY routes requests", async () => {
    const output = await runClient({ HTTP_PROXY: `http://127.0.0.1:${proxy.port}` });
    expect(output).toBe("DLA-3008-1");
    expect(proxied).toEqual([`${mock.osvUrl}/v1/vulns/DLA-3008-1`]);
    expect(mock.requests).toHaveLength(1);
  });

  test("lower-case http_proxy routes requests", async () => {
    await runClient({ http_proxy: `http://127.0.0.1:${proxy.port}` });
    expect(proxied).toHaveLength(1);
  });

  test("NO_PROXY bypasses the proxy", async () => {
    const output = await runClient({
      HTTP_PROXY: `http://127.0.0.1:${proxy.port}`,
      NO_PROXY: "127.0.0.1",
    });
    expect(output).toBe("DLA-3008-1");
    expect(proxied).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });

  test("no proxy variables connect directly", async () => {
    await runClient({});
    expect(proxied).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });
});
