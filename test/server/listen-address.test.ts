import { describe, expect, test } from "bun:test";
import {
  formatListenAddress,
  isLoopbackAddress,
  parseListenAddress,
} from "../../src/server/listen-address.ts";

describe("parseListenAddress", () => {
  const valid: [string, string, number][] = [
    ["127.0.0.1:9470", "127.0.0.1", 9470],
    ["0.0.0.0:80", "0.0.0.0", 80],
    ["127.0.0.1:0", "127.0.0.1", 0],
    ["[::1]:9470", "::1", 9470],
    ["[::]:9470", "::", 9470],
    ["[fe80::1]:65535", "fe80::1", 65535],
  ];
  for (const [value, hostname, port] of valid) {
    test(`parses ${value}`, () => {
      expect(parseListenAddress(value)).toEqual({ hostname, port });
    });
  }

  const invalid: [string, string][] = [
    ["localhost:9470", "must be an IP address"],
    ["127.0.0.1", "use IP:PORT"],
    ["9470", "use IP:PORT"],
    [":9470", "use IP:PORT"],
    ["::1:9470", "use IP:PORT"],
    ["[127.0.0.1]:9470", "must be an IP address"],
    ["256.0.0.1:9470", "must be an IP address"],
    ["127.0.0.1:65536", "invalid --listen port 65536"],
    ["127.0.0.1:http", "use IP:PORT"],
    ["127.0.0.1:-1", "use IP:PORT"],
  ];
  for (const [value, message] of invalid) {
    test(`rejects ${value}`, () => {
      const parsed = parseListenAddress(value);
      expect(parsed).toHaveProperty("error");
      expect((parsed as { error: string }).error).toContain(message);
    });
  }
});

describe("isLoopbackAddress", () => {
  const cases: [string, boolean][] = [
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["localhost", false],
  ];
  for (const [address, loopback] of cases) {
    test(`${address} is ${loopback ? "" : "not "}loopback`, () => {
      expect(isLoopbackAddress(address)).toBe(loopback);
    });
  }
});

describe("formatListenAddress", () => {
  test("brackets IPv6", () => {
    expect(formatListenAddress({ hostname: "::1", port: 9470 })).toBe("[::1]:9470");
  });

  test("leaves IPv4 bare", () => {
    expect(formatListenAddress({ hostname: "127.0.0.1", port: 9470 })).toBe("127.0.0.1:9470");
  });
});
