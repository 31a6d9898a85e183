import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyAptFailure } from "../../src/patching/classify-apt-failure.ts";
import { findPolicyEntry, parseAptCachePolicy } from "../../src/patching/parse-apt-cache-policy.ts";
import { parseAptCacheShow } from "../../src/patching/parse-apt-cache-show.ts";
import { parseAptSimulation } from "../../src/patching/parse-apt-simulation.ts";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dir, "../fixtures/patching", name), "utf8");

describe("parseAptCachePolicy", () => {
  test("host output with security updates", () => {
    const entries = parseAptCachePolicy(fixture("apt-cache-policy-debian12-host.txt"));
    expect(entries.map((entry) => entry.name)).toEqual(["libc6", "openssl", "libssl3", "bash"]);
    const openssl = findPolicyEntry(entries, "openssl", "amd64", "amd64");
    expect(openssl?.installed).toBe("3.0.19-1~deb12u2");
    expect(openssl?.candidate).toBe("3.0.22-1~deb12u2");
    expect(openssl?.versions.map((v) => v.version)).toEqual([
      "3.0.22-1~deb12u2",
      "3.0.20-1~deb12u2",
      "3.0.19-1~deb12u2",
      "3.0.17-1~deb12u2",
    ]);
    const installed = openssl?.versions.find((v) => v.installed);
    expect(installed?.version).toBe("3.0.19-1~deb12u2");
    expect(installed?.priority).toBe(100);
    expect(installed?.origins).toEqual(["100 /var/lib/dpkg/status"]);
  });

  test("binNMU candidate", () => {
    const entries = parseAptCachePolicy(fixture("apt-cache-policy-debian12-host.txt"));
    expect(findPolicyEntry(entries, "bash", "amd64", "amd64")?.candidate).toBe("5.2.15-2+b13");
  });

  test("multi-arch headers", () => {
    const entries = parseAptCachePolicy(fixture("apt-cache-policy-lab-multiarch.txt"));
    // `nope:i386` is unknown to apt, which prints nothing for it.
    expect(entries.map((entry) => `${entry.name}:${entry.arch ?? "-"}`)).toEqual([
      "foo:-",
      "libfoo1:-",
      "libfoo1:i386",
    ]);
    expect(findPolicyEntry(entries, "foo", "all", "amd64")?.candidate).toBe("1.0-2");
    expect(findPolicyEntry(entries, "libfoo1", "amd64", "amd64")?.arch).toBeNull();
    expect(findPolicyEntry(entries, "libfoo1", "i386", "amd64")?.arch).toBe("i386");
    expect(findPolicyEntry(entries, "nope", "i386", "amd64")).toBeNull();
  });

  test("none values", () => {
    const entries = parseAptCachePolicy(
      "gone:\n  Installed: 1.0-1\n  Candidate: (none)\n  Version table:\n *** 1.0-1 100\n        100 /var/lib/dpkg/status\n",
    );
    expect(entries[0]?.candidate).toBeNull();
    expect(entries[0]?.installed).toBe("1.0-1");
  });
});

describe("parseAptCacheShow", () => {
  test("source field without version", () => {
    const records = parseAptCacheShow(fixture("apt-cache-show-lab.txt"));
    expect(
      records.map((r) => `${r.name}:${r.arch}=${r.version} ${r.sourceName} ${r.sourceVersion}`),
    ).toEqual(["libfoo1:i386=1.0-2 foo 1.0-2", "foo:all=1.0-2 foo 1.0-2"]);
    expect(records[0]?.size).toBe(620);
  });

  test("source field with version", () => {
    const records = parseAptCacheShow(
      "Package: libldb2\nVersion: 2:2.6.2+samba4.17.12+dfsg-0+deb12u1\nArchitecture: amd64\nSource: samba (2:4.17.12+dfsg-0+deb12u1)\nInstalled-Size: 420\n",
    );
    expect(records[0]?.sourceName).toBe("samba");
    expect(records[0]?.sourceVersion).toBe("2:4.17.12+dfsg-0+deb12u1");
    expect(records[0]?.installedSizeKib).toBe(420);
  });

  test("host record of an installed version", () => {
    const records = parseAptCacheShow(fixture("apt-cache-show-debian12-libssl3.txt"));
    expect(records[0]?.sourceName).toBe("openssl");
    expect(records[0]?.sourceVersion).toBe("3.0.19-1~deb12u2");
  });
});

describe("parseAptSimulation", () => {
  test("multi-arch upgrade", () => {
    const simulation = parseAptSimulation(fixture("apt-get-simulate-lab-upgrade.txt"));
    expect(simulation.installs).toEqual([
      { package: "foo", fromVersion: "1.0-1", toVersion: "1.0-2" },
      { package: "libfoo1", fromVersion: "1.0-1", toVersion: "1.0-2" },
      { package: "libfoo1:i386", fromVersion: "1.0-1", toVersion: "1.0-2" },
    ]);
    expect(simulation.removals).toEqual([]);
  });

  test("removal and new install", () => {
    const simulation = parseAptSimulation(
      "Remv bar [2.0-1]\nInst baz (1.1-1 Debian:12.8/stable [amd64])\n",
    );
    expect(simulation.removals).toEqual(["bar"]);
    expect(simulation.installs).toEqual([
      { package: "baz", fromVersion: null, toVersion: "1.1-1" },
    ]);
  });
});

describe("classifyAptFailure", () => {
  test.each([
    [
      "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4711 (apt-get)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?",
      "lock-timeout",
    ],
    [
      "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.",
      "dpkg-interrupted",
    ],
    ["E: Sub-process /usr/bin/dpkg returned an error code (1)", "other"],
  ])("%s", (output, kind) => {
    expect(classifyAptFailure(output)).toBe(kind as ReturnType<typeof classifyAptFailure>);
  });
});
