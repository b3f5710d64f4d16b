// The part of pg-copy-streams (which ships no types) that migrate-check uses.
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  import type { Submittable } from 'pg';

  /** `COPY … FROM STDIN` as a query for `client.query()`: write the data, then end the stream. */
  export function from(sql: string): Writable & Submittable & { rowCount: number };
}
