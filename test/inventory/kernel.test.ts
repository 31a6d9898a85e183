import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseDpkgStatus } from "../../src/inventory/dpkg/parse-dpkg-status.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { classifyKernels } from "../../src/inventory/kernel.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";

function installed(
  name: string,
  version: string,
  sourceName = "linux-signed-amd64",
): InstalledPackage {
  return {
    name,
    arch: "amd64",
    version,
    sourceName,
    sourceVersion: version,
    status: "install ok installed",
    held: false,
    essential: false,
  };
}

// A Debian 12 host after two kernel updates, booted into the middle one.
const debianHost = [
  installed("bash", "5.2.15-2+b8", "bash"),
  installed("linux-image-amd64", "6.1.90-1"),
  installed("linux-image-6.1.0-18-amd64", "6.1.76-1"),
  installed("linux-image-6.1.0-20-amd64", "6.1.85-1"),
  installed("linux-image-6.1.0-21-amd64", "6.1.90-1"),
  installed("linux-image-6.1.0-21-amd64-unsigned", "6.1.90-1", "linux"),
  installed("linux-image-6.1.0-20-amd64-dbg", "6.1.85-1", "linux"),
];

function states(packages: ReturnType<typeof classifyKernels>["packages"]): string[] {
  return packages.map(
    (kernel) => `${kernel.package.name} ${kernel.kind} ${kernel.release} ${kernel.state}`,
  );
}

describe("classifyKernels", () => {
  test("booted into an older image", () => {
    const status = classifyKernels(debianHost, "6.1.0-20-amd64");

    expect(states(status.packages)).toEqual([
      "linux-image-amd64 meta-package null null",
      "linux-image-6.1.0-18-amd64 image 6.1.0-18-amd64 installed-not-running",
      "linux-image-6.1.0-20-amd64 image 6.1.0-20-amd64 running",
      "linux-image-6.1.0-21-amd64 image 6.1.0-21-amd64 installed-not-running",
      "linux-image-6.1.0-21-amd64-unsigned image 6.1.0-21-amd64 installed-not-running",
      "linux-image-6.1.0-20-amd64-dbg debug-symbols 6.1.0-20-amd64 running",
    ]);
    expect(status.newerImages.map((kernel) => kernel.package.name)).toEqual([
      "linux-image-6.1.0-21-amd64",
      "linux-image-6.1.0-21-amd64-unsigned",
    ]);
    expect(status.rebootRequired).toBe(true);
  });

  test("booted into the newest image", () => {
    const status = classifyKernels(debianHost, "6.1.0-21-amd64");

    expect(status.newerImages).toEqual([]);
    expect(status.rebootRequired).toBe(false);
  });

  test("unknown running kernel", () => {
    const status = classifyKernels(debianHost, null);

    expect(status.packages.filter((kernel) => kernel.state === "unknown").length).toBe(5);
    expect(status.rebootRequired).toBeNull();
  });

  test("custom kernel without a package", () => {
    const status = classifyKernels(debianHost, "6.18.44-custom");

    expect(status.packages.filter((kernel) => kernel.state === "running")).toEqual([]);
    expect(status.rebootRequired).toBeNull();
  });

  test("Ubuntu image names", () => {
    const packages = [
      installed("linux-image-generic", "6.8.0-35.35", "linux-meta"),
      installed("linux-image-6.8.0-31-generic", "6.8.0-31.31", "linux-signed"),
      installed("linux-image-6.8.0-35-generic", "6.8.0-35.35", "linux-signed"),
      installed("linux-image-unsigned-6.8.0-35-generic", "6.8.0-35.35", "linux"),
      installed("linux-image-unsigned-6.8.0-31-generic-dbgsym", "6.8.0-31.31", "linux"),
      installed("linux-image-extra-4.4.0-31-generic", "4.4.0-31.50", "linux"),
    ];
    const status = classifyKernels(packages, "6.8.0-31-generic");

    expect(states(status.packages)).toEqual([
      "linux-image-generic meta-package null null",
      "linux-image-6.8.0-31-generic image 6.8.0-31-generic running",
      "linux-image-6.8.0-35-generic image 6.8.0-35-generic installed-not-running",
      "linux-image-unsigned-6.8.0-35-generic image 6.8.0-35-generic installed-not-running",
      "linux-image-unsigned-6.8.0-31-generic-dbgsym debug-symbols 6.8.0-31-generic running",
      "linux-image-extra-4.4.0-31-generic image 4.4.0-31-generic installed-not-running",
    ]);
    expect(status.newerImages.map((kernel) => kernel.release)).toEqual([
      "6.8.0-35-generic",
      "6.8.0-35-generic",
    ]);
    expect(status.rebootRequired).toBe(true);
  });

  test("version order, not name order", () => {
    // 6.1.0-9 sorts after 6.1.0-10 as text; the package versions decide.
    const packages = [
      installed("linux-image-6.1.0-9-amd64", "6.1.27-1"),
      installed("linux-image-6.1.0-10-amd64", "6.1.38-1"),
    ];

    expect(classifyKernels(packages, "6.1.0-10-amd64").rebootRequired).toBe(false);
    expect(classifyKernels(packages, "6.1.0-9-amd64").rebootRequired).toBe(true);
  });

  test("injected comparator is used", () => {
    const reversed = (a: string, b: string) => -compareDebianVersions(a, b);
    const status = classifyKernels(debianHost, "6.1.0-21-amd64", reversed);

    expect(status.newerImages.map((kernel) => kernel.package.name)).toEqual([
      "linux-image-6.1.0-18-amd64",
      "linux-image-6.1.0-20-amd64",
    ]);
  });

  test("status.d fixture with a removed kernel", async () => {
    const path = join(import.meta.dir, "../fixtures/inventory/dpkg/syft-status.d/deinstall");
    const { packages } = parseDpkgStatus(await Bun.file(path).text(), path);
    const status = classifyKernels(packages, "6.8.0-1029-aws");

    expect(states(status.packages)).toEqual([
      "linux-image-6.14.0-1012-aws image 6.14.0-1012-aws installed-not-running",
    ]);
    // The running kernel's package was removed (only its configuration files remain).
    expect(status.rebootRequired).toBeNull();
  });
});
