import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One binary package to build with dpkg-deb. */
export interface LabPackage {
  name: string;
  version: string;
  /** `all`, `amd64`, `i386`. */
  arch: string;
  /** Source package name when it differs from `name`. */
  source?: string;
  /** `same` for libraries co-installable on several architectures. */
  multiArch?: string;
  depends?: string;
  essential?: boolean;
  /** Conffile at this path, relative to the root (`etc/foo.conf`), with this content. */
  conffile?: { path: string; content: string };
  /** Body of a `postinst` script, run by busybox sh inside the root. */
  postinst?: string;
}

/** Result of one lab command. */
export interface LabResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `/etc/os-release` of Debian 12, as bookworm ships it. */
const DEBIAN_12_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

/**
 * An isolated apt/dpkg world under a temporary directory: a local `file:` repository built
 * with apt-ftparchive, and an empty root with its own apt configuration (`APT_CONFIG` setting
 * `Dir`, plus dpkg `--root` and `--log`), so nothing touches this machine's package state.
 * The static busybox serves as `/bin/sh` inside the root, because dpkg runs maintainer
 * scripts chrooted into it. Needs root, dpkg-dev, apt-utils and busybox-static.
 */
export class AptLab {
  readonly dir: string;
  readonly root: string;
  readonly repo: string;
  readonly aptConfig: string;
  private readonly sourceDir: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.root = join(dir, "root");
    this.repo = join(dir, "repo");
    this.aptConfig = join(dir, "apt.conf");
    this.sourceDir = join(dir, "src");
  }

  /** Creates the repository and the empty root; `foreignArchs` are added with dpkg. */
  static async create(options: { foreignArchs?: string[] } = {}): Promise<AptLab> {
    const lab = new AptLab(mkdtempSync(join(tmpdir(), "cortex-aptlab-")));
    const { root } = lab;
    for (const path of [
      "etc/apt/apt.conf.d",
      "etc/apt/preferences.d",
      "etc/apt/sources.list.d",
      "etc/apt/trusted.gpg.d",
      "var/lib/dpkg/info",
      "var/lib/dpkg/updates",
      "var/lib/apt/lists/partial",
      "var/cache/apt/archives/partial",
      "var/log/apt",
      "tmp",
      "bin",
      "usr/bin",
    ]) {
      mkdirSync(join(root, path), { recursive: true });
    }
    mkdirSync(lab.repo, { recursive: true });
    mkdirSync(lab.sourceDir, { recursive: true });
    writeFileSync(join(root, "var/lib/dpkg/status"), "");
    writeFileSync(join(root, "etc/os-release"), DEBIAN_12_OS_RELEASE);
    copyFileSync("/bin/busybox", join(root, "bin/busybox"));
    chmodSync(join(root, "bin/busybox"), 0o755);
    symlinkSync("busybox", join(root, "bin/sh"));
    writeFileSync(join(root, "etc/apt/sources.list"), `deb [trusted=yes] file:${lab.repo} ./\n`);
    writeFileSync(
      lab.aptConfig,
      [
        `Dir "${root}/";`,
        `Dir::State::status "${root}/var/lib/dpkg/status";`,
        `DPkg::Options:: "--root=${root}";`,
        `DPkg::Options:: "--log=${root}/var/log/dpkg.log";`,
        `DPkg::Options:: "--force-confdef";`,
        `DPkg::Options:: "--force-confold";`,
        `APT::Sandbox::User "root";`,
        "",
      ].join("\n"),
    );
    for (const arch of options.foreignArchs ?? []) {
      await lab.mustRun(["dpkg", `--root=${root}`, "--add-architecture", arch]);
    }
    return lab;
  }

  /** Builds `pkg` into the repository (call `publish` afterwards). */
  async build(pkg: LabPackage): Promise<string> {
    const tree = join(this.sourceDir, `${pkg.name}_${pkg.version}_${pkg.arch}`);
    mkdirSync(join(tree, "DEBIAN"), { recursive: true });
    mkdirSync(join(tree, "usr/share", pkg.name), { recursive: true });
    writeFileSync(join(tree, "usr/share", pkg.name, `version-${pkg.arch}`), `${pkg.version}\n`);
    const control = [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      `Architecture: ${pkg.arch}`,
      ...(pkg.source ? [`Source: ${pkg.source}`] : []),
      ...(pkg.multiArch ? [`Multi-Arch: ${pkg.multiArch}`] : []),
      ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
      ...(pkg.essential ? ["Essential: yes"] : []),
      "Maintainer: Lab <lab@example.invalid>",
      "Description: package built by the cortex test lab",
      "",
    ];
    writeFileSync(join(tree, "DEBIAN/control"), control.join("\n"));
    if (pkg.conffile) {
      const path = join(tree, pkg.conffile.path);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, pkg.conffile.content);
      writeFileSync(join(tree, "DEBIAN/conffiles"), `/${pkg.conffile.path}\n`);
    }
    if (pkg.postinst !== undefined) {
      writeFileSync(join(tree, "DEBIAN/postinst"), `#!/bin/sh\n${pkg.postinst}\n`);
      chmodSync(join(tree, "DEBIAN/postinst"), 0o755);
    }
    await this.mustRun([
      "dpkg-deb",
      "--root-owner-group",
      "-Zgzip",
      "--build",
      tree,
      `${this.repo}/`,
    ]);
    return join(this.repo, `${pkg.name}_${pkg.version.replace(/^\d+:/, "")}_${pkg.arch}.deb`);
  }

  /**
   * Regenerates `Packages` and `Release`. The Release file is written outside the
   * repository first, else apt-ftparchive hashes its own half-written output.
   */
  async publish(): Promise<void> {
    const packages = await this.mustRun(["apt-ftparchive", "packages", "."], { cwd: this.repo });
    writeFileSync(join(this.repo, "Packages"), packages.stdout);
    rmSync(join(this.repo, "Release"), { force: true });
    const release = await this.mustRun(
      [
        "apt-ftparchive",
        "-o",
        "APT::FTPArchive::Release::Origin=Lab",
        "-o",
        "APT::FTPArchive::Release::Suite=stable-security",
        "release",
        ".",
      ],
      { cwd: this.repo },
    );
    writeFileSync(join(this.repo, "Release"), release.stdout);
    await this.apt(["apt-get", "-q", "update"]);
  }

  /** Deletes one .deb from the repository and republishes, as a security archive does. */
  async removeFromRepository(name: string, version: string, arch: string): Promise<void> {
    rmSync(join(this.repo, `${name}_${version}_${arch}.deb`));
    await this.publish();
  }

  /** Runs an apt tool with the lab's configuration; fails the test when it fails. */
  async apt(argv: string[], extraEnv: Record<string, string> = {}): Promise<LabResult> {
    return this.mustRun(argv, { env: extraEnv });
  }

  /** Installs exact versions (`name:arch=version`) with the lab's apt configuration. */
  async install(specs: string[]): Promise<void> {
    await this.apt(["apt-get", "-y", "-q", "--allow-downgrades", "install", ...specs]);
  }

  /** Installed versions by `name:arch`, with dpkg's state abbreviation. */
  async versions(): Promise<Map<string, string>> {
    const result = await this.mustRun([
      "dpkg-query",
      `--root=${this.root}`,
      "-W",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${Field} format
      "-f=${Package}:${Architecture} ${Version} ${db:Status-Abbrev}\\n",
    ]);
    const versions = new Map<string, string>();
    for (const line of result.stdout.trim().split("\n")) {
      const [key, version, status] = line.split(" ");
      if (key && version) versions.set(key, `${version} ${status ?? ""}`.trim());
    }
    return versions;
  }

  /** Runs a command with the lab's `APT_CONFIG`, stdin /dev/null, `LC_ALL=C`. */
  async run(
    argv: string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
  ): Promise<LabResult> {
    const child = Bun.spawn(argv, {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        APT_CONFIG: this.aptConfig,
        DEBIAN_FRONTEND: "noninteractive",
        LC_ALL: "C",
        ...options.env,
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { exitCode, stdout, stderr };
  }

  private async mustRun(
    argv: string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
  ): Promise<LabResult> {
    const result = await this.run(argv, options);
    if (result.exitCode !== 0) {
      throw new Error(
        `lab command failed (exit ${result.exitCode}): ${argv.join(" ")}\n${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
  }

  /** Removes the whole lab directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** True when this process can build a lab: root, with the tools the lab runs. */
export function canBuildLab(): boolean {
  if (process.getuid?.() !== 0) return false;
  return (
    ["dpkg-deb", "apt-ftparchive", "apt-get", "dpkg-repack"].every(
      (tool) => Bun.which(tool) !== null,
    ) && Bun.file("/bin/busybox").size > 0
  );
}
