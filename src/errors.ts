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

/** SQLSTATEs of a session the server ended: admin_shutdown, crash_shutdown, cannot_connect_now. */
const ENDED = new Set(['57P01', '57P02', '57P03']);

/** Whether `error` is a connection to Postgres that ended (the server's words, or pg's for a dead client). */
export function connectionEnded(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // pg's words for a connection that ended, and for a query on a client whose connection did.
  if (/^Connection terminated|^Client has encountered a connection error/.test(error.message)) return true;
  return typeof code === 'string' && ENDED.has(code);
}
