/**
 * Returns the ecosystems whose records can decide packages of `ecosystem`: the
 * ecosystem itself, its spelling without `:LTS` (the OSV API treats
 * `Ubuntu:22.04` and `Ubuntu:22.04:LTS` alike), and for Ubuntu the Pro
 * variants whose fixes need an Ubuntu Pro subscription.
 */
export function scanEcosystems(ecosystem: string): string[] {
  const ecosystems = new Set([ecosystem]);
  const ubuntu = /^Ubuntu:(\d+\.\d+)(:LTS)?$/.exec(ecosystem);
  if (ubuntu) {
    const release = ubuntu[1];
    ecosystems.add(`Ubuntu:${release}`);
    ecosystems.add(`Ubuntu:${release}:LTS`);
    for (const variant of [
      "Pro",
      "Pro:FIPS",
      "Pro:FIPS-preview",
      "Pro:FIPS-updates",
      "Pro:Realtime",
    ]) {
      ecosystems.add(`Ubuntu:${variant}:${release}`);
      ecosystems.add(`Ubuntu:${variant}:${release}:LTS`);
    }
  }
  return [...ecosystems];
}
