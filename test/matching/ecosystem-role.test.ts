import { describe, expect, test } from "bun:test";
import { ecosystemRole, parseUbuntuEcosystem } from "../../src/matching/ecosystem-role.ts";

describe("ecosystemRole", () => {
  const cases: { host: string; entry: string; role: ReturnType<typeof ecosystemRole> }[] = [
    { host: "Debian:12", entry: "Debian:12", role: "host" },
    { host: "Debian:12", entry: "Debian:11", role: null },
    { host: "Debian:12", entry: "Debian", role: null },
    { host: "Debian:12", entry: "Alpine:v3.20", role: null },
    { host: "Debian:12", entry: "Ubuntu:22.04:LTS", role: null },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:22.04:LTS", role: "host" },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:22.04", role: "host" },
    { host: "Ubuntu:26.04:LTS", entry: "Ubuntu:26.04", role: "host" },
    { host: "Ubuntu:26.04", entry: "Ubuntu:26.04:LTS", role: "host" },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:24.04:LTS", role: null },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:Pro:22.04:LTS", role: "ubuntu-pro" },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:Pro:20.04:LTS", role: null },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:Pro:FIPS:22.04:LTS", role: "ubuntu-pro-variant" },
    {
      host: "Ubuntu:22.04:LTS",
      entry: "Ubuntu:Pro:FIPS-updates:22.04:LTS",
      role: "ubuntu-pro-variant",
    },
    {
      host: "Ubuntu:22.04:LTS",
      entry: "Ubuntu:Pro:FIPS-preview:22.04:LTS",
      role: "ubuntu-pro-variant",
    },
    {
      host: "Ubuntu:22.04:LTS",
      entry: "Ubuntu:Pro:Realtime:22.04:LTS",
      role: "ubuntu-pro-variant",
    },
    {
      host: "Ubuntu:24.04:LTS",
      entry: "Ubuntu:Pro:24.04:LTS:Realtime:Kernel",
      role: "ubuntu-pro-variant",
    },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:Nvidia-BlueField:22.04:LTS", role: null },
    { host: "Ubuntu:22.04:LTS", entry: "Ubuntu:22.04:LTS:for:NVIDIA:BlueField", role: null },
    { host: "Ubuntu:22.04:LTS", entry: "Debian:12", role: null },
  ];

  for (const { host, entry, role } of cases) {
    test(`${entry} on ${host} host → ${role}`, () => {
      expect(ecosystemRole(host, entry)).toBe(role);
    });
  }
});

describe("parseUbuntuEcosystem", () => {
  test("standard LTS release", () => {
    expect(parseUbuntuEcosystem("Ubuntu:22.04:LTS")).toEqual({
      release: "22.04",
      channel: "standard",
    });
  });

  test("interim release", () => {
    expect(parseUbuntuEcosystem("Ubuntu:25.10")).toEqual({ release: "25.10", channel: "standard" });
  });

  test("Pro release", () => {
    expect(parseUbuntuEcosystem("Ubuntu:Pro:16.04:LTS")).toEqual({
      release: "16.04",
      channel: "pro",
    });
  });

  test("non-Ubuntu and release-less strings", () => {
    expect(parseUbuntuEcosystem("Debian:12")).toBeNull();
    expect(parseUbuntuEcosystem("Ubuntu")).toBeNull();
    expect(parseUbuntuEcosystem("Ubuntu:jammy")).toBeNull();
  });
});
