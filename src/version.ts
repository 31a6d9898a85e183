import packageJson from "../package.json" with { type: "json" };

declare const CORTEX_BUILD_COMMIT: string | undefined;

/** Version from package.json; the compiled binary also carries the git commit it was built from. */
export const VERSION: string = packageJson.version;

/** Git commit stamped in by build.ts with `--define`; "unknown" when running from a checkout. */
export const BUILD_COMMIT: string =
  typeof CORTEX_BUILD_COMMIT === "string" ? CORTEX_BUILD_COMMIT : "unknown";
