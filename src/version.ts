/** migrate-check's version, as `--version` prints it and the machine-readable reports name the tool. */
export const VERSION = '0.1.0';
