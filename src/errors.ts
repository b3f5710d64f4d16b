/**
 * The few typed errors for the tool's own failures: things that stop migrate-check from
 * running at all (exit code 2). A migration that fails is *not* one of these: it is a failed
 * step in the report.
 *
 * Every message says what is wrong, where, and ends with how to fix it.
 */
export class ToolError extends Error {
  override readonly name: string = 'ToolError';
}

/** Bad flags, a bad config file, an unknown format or check id. */
export class ConfigError extends ToolError {
  override readonly name = 'ConfigError';
}

/** A migration directory or file that cannot be read or understood. */
export class InputError extends ToolError {
  override readonly name = 'InputError';
}

/** No database could be started or reached. */
export class DatabaseError extends ToolError {
  override readonly name = 'DatabaseError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
