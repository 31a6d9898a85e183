import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { usageError } from "../platform/errors.ts";

/**
 * Settings that point every apt, apt-get, apt-cache, apt-mark, dpkg, dpkg-query and
 * dpkg-repack call at one system. For the host (root `/`) the system's apt configuration is used unchanged. For
 * another root an `APT_CONFIG` file sets `Dir` to it, and dpkg gets `--root` and `--log`.
 */
export interface AptEnvironment {
  /** Absolute path of the system: `/` for this host. */
  root: string;
  isHost: boolean;
  /** Environment for every call: `LC_ALL=C`, `DEBIAN_FRONTEND=noninteractive`, `APT_CONFIG`. */
  env: Record<string, string>;
  /** `--root=… --log=…` for dpkg and `DPkg::Options` of apt-get; empty on the host. */
  dpkgArgs: string[];
  /** `--root=…` for dpkg-query and dpkg-repack, which take no `--log`; empty on the host. */
  queryArgs: string[];
  /** The generated `APT_CONFIG` file, or null on the host. */
  aptConfigPath: string | null;
}

/**
 * Builds the environment for `root`, writing its `APT_CONFIG` file into
 * `<dataDir>/apt/` when `root` is not `/`.
 *
 * `-o Dir=…` on the command line is not enough: apt would still read the host's
 * `/etc/apt/apt.conf.d` and run dpkg on the host. Only a configuration file named by
 * `APT_CONFIG` that sets `Dir`, together with `DPkg::Options` giving `--root`, keeps
 * every step inside the root.
 */
export function createAptEnvironment(root: string, dataDir: string): AptEnvironment {
  const absoluteRoot = resolve(root);
  const baseEnv = { LC_ALL: "C", DEBIAN_FRONTEND: "noninteractive" };
  if (absoluteRoot === "/") {
    return {
      root: "/",
      isHost: true,
      env: baseEnv,
      dpkgArgs: [],
      queryArgs: [],
      aptConfigPath: null,
    };
  }

  if (/["\n\\]/.test(absoluteRoot)) {
    throw usageError(
      `invalid --root ${JSON.stringify(absoluteRoot)}: apt.conf(5) cannot quote a path with a double quote, backslash or newline; use another path`,
    );
  }
  const dpkgArgs = [`--root=${absoluteRoot}`, `--log=${absoluteRoot}/var/log/dpkg.log`];
  // Absolute: apt-get download runs with another cwd, where a relative APT_CONFIG would be
  // missing and apt would fall back to this host's configuration.
  const directory = join(resolve(dataDir), "apt");
  mkdirSync(directory, { recursive: true, mode: 0o750 });
  const digest = createHash("sha256").update(absoluteRoot).digest("hex").slice(0, 16);
  const aptConfigPath = join(directory, `root-${digest}.conf`);
  writeFileSync(aptConfigPath, renderAptConfig(absoluteRoot, dpkgArgs), { mode: 0o640 });
  return {
    root: absoluteRoot,
    isHost: false,
    env: { ...baseEnv, APT_CONFIG: aptConfigPath },
    dpkgArgs,
    queryArgs: [`--root=${absoluteRoot}`],
    aptConfigPath,
  };
}

/** Renders the apt.conf(5) text that points apt at `root`. */
export function renderAptConfig(root: string, dpkgArgs: readonly string[]): string {
  const lines = [
    `// Written by cortex: points apt at the system under ${root}, never at this host.`,
    `Dir "${root}/";`,
    `Dir::State::status "${root}/var/lib/dpkg/status";`,
    ...dpkgArgs.map((arg) => `DPkg::Options:: "${arg}";`),
    // The root's partial download directories belong to root, not to apt's `_apt` user.
    `APT::Sandbox::User "root";`,
  ];
  return `${lines.join("\n")}\n`;
}
