import { describe, expect, test } from "bun:test";
import { detectEcosystem, validateEcosystem } from "../../src/inventory/detect-ecosystem.ts";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";

function thrownBy(action: () => unknown): Error & { exitCode?: number } {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

describe("detectEcosystem", () => {
  const supported: Array<[Record<string, string>, string]> = [
    [{ ID: "debian", VERSION_ID: "9" }, "Debian:9"],
    [{ ID: "debian", VERSION_ID: "11", VERSION: "11 (bullseye)" }, "Debian:11"],
    [{ ID: "debian", VERSION_ID: "12", VERSION: "12 (bookworm)" }, "Debian:12"],
    [{ ID: "debian", VERSION_ID: "13", VERSION: "13 (trixie)" }, "Debian:13"],
    [
      { ID: "ubuntu", ID_LIKE: "debian", VERSION_ID: "14.04", VERSION: "14.04.6 LTS, Trusty Tahr" },
      "Ubuntu:14.04:LTS",
    ],
    [
      {
        ID: "ubuntu",
        ID_LIKE: "debian",
        VERSION_ID: "22.04",
        VERSION: "22.04.4 LTS (Jammy Jellyfish)",
      },
      "Ubuntu:22.04:LTS",
    ],
    [
      { ID: "ubuntu", ID_LIKE: "debian", VERSION_ID: "24.04", VERSION: "24.04 LTS (Noble Numbat)" },
      "Ubuntu:24.04:LTS",
    ],
    // A development snapshot of an LTS release does not say LTS yet.
    [{ ID: "ubuntu", VERSION_ID: "26.04", VERSION: "26.04" }, "Ubuntu:26.04:LTS"],
    [
      { ID: "ubuntu", ID_LIKE: "debian", VERSION_ID: "23.10", VERSION: "23.10 (Mantic Minotaur)" },
      "Ubuntu:23.10",
    ],
    [{ ID: "ubuntu", VERSION_ID: "25.04", VERSION: "25.04 (Plucky Puffin)" }, "Ubuntu:25.04"],
  ];
  test.each(supported)("%o is %s", (osRelease, ecosystem) => {
    expect(detectEcosystem(osRelease)).toBe(ecosystem);
  });

  const unsupported: Array<[string, Record<string, string>, string[]]> = [
    [
      "Raspbian",
      { ID: "raspbian", ID_LIKE: "debian", VERSION_ID: "12" },
      ["ID=raspbian", 'ID_LIKE="debian"', "VERSION_ID=12", "ID_LIKE is not used"],
    ],
    [
      "Linux Mint",
      { ID: "linuxmint", ID_LIKE: "ubuntu debian", VERSION_ID: "21.3" },
      ["ID=linuxmint", 'ID_LIKE="ubuntu debian"', "VERSION_ID=21.3"],
    ],
    [
      "Pop!_OS",
      { ID: "pop", ID_LIKE: "ubuntu debian", VERSION_ID: "22.04" },
      ["ID=pop", "VERSION_ID=22.04"],
    ],
    ["Alpine", { ID: "alpine", VERSION_ID: "3.19.1" }, ["ID=alpine", "only Debian"]],
    ["missing ID", { VERSION_ID: "12" }, ["ID=(missing)"]],
    [
      "Debian testing",
      { ID: "debian", VERSION_CODENAME: "trixie", PRETTY_NAME: "Debian GNU/Linux trixie/sid" },
      [
        "VERSION_ID=(missing)",
        "Debian testing and unstable (sid)",
        'PRETTY_NAME="Debian GNU/Linux trixie/sid"',
      ],
    ],
    ["Ubuntu without VERSION_ID", { ID: "ubuntu" }, ["VERSION_ID is missing"]],
    [
      "Debian 8",
      { ID: "debian", VERSION_ID: "8" },
      ["VERSION_ID=8", "supported: Debian 9, 10, 11, 12, 13"],
    ],
    ["Debian 14", { ID: "debian", VERSION_ID: "14" }, ["VERSION_ID=14"]],
    [
      "Ubuntu 12.04",
      { ID: "ubuntu", VERSION_ID: "12.04", VERSION: "12.04.5 LTS" },
      ["VERSION_ID=12.04"],
    ],
    ["Ubuntu 23.04", { ID: "ubuntu", VERSION_ID: "23.04" }, ["VERSION_ID=23.04", "23.10, 24.10"]],
    [
      "Ubuntu 28.04",
      { ID: "ubuntu", VERSION_ID: "28.04", VERSION: "28.04 LTS" },
      ["VERSION_ID=28.04"],
    ],
  ];
  test.each(unsupported)("%s fails with what was read", (_name, osRelease, fragments) => {
    const error = thrownBy(() => detectEcosystem(osRelease, "/mnt/etc/os-release"));

    expect(isCortexError(error)).toBe(true);
    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("/mnt/etc/os-release");
    expect(error.message).toContain("--ecosystem");
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });
});

describe("validateEcosystem", () => {
  test.each([
    ["Debian:12"],
    ["Debian:8"],
    ["Ubuntu:22.04:LTS"],
    ["Ubuntu:23.10"],
    ["Ubuntu:28.04:LTS"],
  ])("%s is accepted", (value) => {
    expect(validateEcosystem(value)).toBe(value);
  });

  const invalid: Array<[string, string]> = [
    ["debian:12", "expected Debian:<release>"],
    ["Debian:bookworm", "expected Debian:<release>"],
    ["Ubuntu:22.04", "its ecosystem is Ubuntu:22.04:LTS"],
    ["Ubuntu:23.10:LTS", "its ecosystem is Ubuntu:23.10"],
    ["Ubuntu:Pro:20.04:LTS", "expected Debian:<release>"],
    ["Alpine:v3.20", "expected Debian:<release>"],
    ["", "expected Debian:<release>"],
  ];
  test.each(invalid)("%p is a usage error", (value, message) => {
    const error = thrownBy(() => validateEcosystem(value));

    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).toContain(message);
  });
});
