/** Help text of `--data-dir`, shared by every command that opens the database. */
export const DATA_DIR_HELP =
  "data directory holding the database and saved packages (default: /var/lib/cortex for root, ~/.cortex otherwise; env CORTEX_DATA_DIR)";

/** Help text of `--root`, shared by scan, patch and rollback. */
export const ROOT_HELP =
  "scan or patch the system installed under DIR (a chroot or mounted image) instead of this host";
