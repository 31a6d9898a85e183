/** True when the real systemd-analyze is installed, so tests can run it. */
export const HAS_SYSTEMD_ANALYZE = Bun.which("systemd-analyze") !== null;

if (!HAS_SYSTEMD_ANALYZE) {
  console.warn("systemd-analyze is not installed: skipping the tests that run it");
}
