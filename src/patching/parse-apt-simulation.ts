/** One `Inst` line of `apt-get -s`. */
export interface SimulatedInstall {
  /** Package as apt names it: `libfoo1` (native or `all`) or `libfoo1:i386`. */
  package: string;
  /** Version replaced, or null for a new installation. */
  fromVersion: string | null;
  toVersion: string;
}

export interface AptSimulation {
  installs: SimulatedInstall[];
  /** Packages apt would remove (`Remv` lines). */
  removals: string[];
}

/** Sample: `Inst libfoo1:i386 [1.0-1] (1.0-2 Lab:stable [i386])`; `[…]` is absent for a new package. */
const INST_LINE = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+)/;
/** Sample: `Remv foo [1.0-1]`. */
const REMV_LINE = /^Remv (\S+)/;

/** Parses the `Inst` and `Remv` lines that `apt-get -s` prints under `LC_ALL=C`. */
export function parseAptSimulation(text: string): AptSimulation {
  const simulation: AptSimulation = { installs: [], removals: [] };
  for (const line of text.split("\n")) {
    const inst = INST_LINE.exec(line);
    if (inst) {
      simulation.installs.push({
        package: inst[1] as string,
        fromVersion: inst[2] ?? null,
        toVersion: inst[3] as string,
      });
      continue;
    }
    const remv = REMV_LINE.exec(line);
    if (remv) simulation.removals.push(remv[1] as string);
  }
  return simulation;
}
