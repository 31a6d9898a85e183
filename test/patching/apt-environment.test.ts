import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative as relativePath } from "node:path";
import { createAptEnvironment } from "../../src/patching/apt-environment.ts";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});
function dataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "cortex-aptenv-"));
  directories.push(directory);
  return directory;
}

describe("createAptEnvironment", () => {
  test("host uses the system configuration", () => {
    const environment = createAptEnvironment("/", dataDir());
    expect(environment).toEqual({
      root: "/",
      isHost: true,
      env: { LC_ALL: "C", DEBIAN_FRONTEND: "noninteractive" },
      dpkgArgs: [],
      queryArgs: [],
      aptConfigPath: null,
    });
  });

  test("other root gets APT_CONFIG and dpkg --root", () => {
    const data = dataDir();
    const environment = createAptEnvironment("/srv/chroot/./", data);
    expect(environment.root).toBe("/srv/chroot");
    expect(environment.isHost).toBe(false);
    expect(environment.dpkgArgs).toEqual([
      "--root=/srv/chroot",
      "--log=/srv/chroot/var/log/dpkg.log",
    ]);
    expect(environment.queryArgs).toEqual(["--root=/srv/chroot"]);
    expect(environment.env.APT_CONFIG).toBe(environment.aptConfigPath as string);
    expect(environment.aptConfigPath).toStartWith(join(data, "apt"));
    const config = readFileSync(environment.aptConfigPath as string, "utf8");
    expect(config).toContain('Dir "/srv/chroot/";');
    expect(config).toContain('Dir::State::status "/srv/chroot/var/lib/dpkg/status";');
    expect(config).toContain('DPkg::Options:: "--root=/srv/chroot";');
    expect(config).toContain('DPkg::Options:: "--log=/srv/chroot/var/log/dpkg.log";');
  });

  test("relative data dir gives an absolute APT_CONFIG", () => {
    // apt-get download runs with the saved-package directory as cwd, where a relative
    // APT_CONFIG would not be found and apt would read this host's configuration.
    const data = dataDir();
    const relative = relativePath(process.cwd(), data);
    const environment = createAptEnvironment("/srv/chroot", relative);
    expect(environment.aptConfigPath).toStartWith(join(data, "apt"));
    expect(isAbsolute(environment.env.APT_CONFIG as string)).toBe(true);
  });

  test("rejects a root apt.conf cannot quote", () => {
    expect(() => createAptEnvironment('/srv/a"b', dataDir())).toThrow("--root");
  });
});
