// What the checks' unit tests build their contexts from: a golang-migrate directory `db` and a
// replay holding only what a test gives it.
import { golangMigrate } from '../formats/golang-migrate.ts';
import type { MigrationSet } from '../migration.ts';
import type { Mismatch, ReplayResult, Step } from '../replay.ts';

export const FORMAT = golangMigrate;

export const EMPTY_SET: MigrationSet = {
  directory: 'db',
  format: 'golang-migrate',
  migrations: [],
  ignored: [],
  bookkeeping: '',
};

/** A replay with these steps and mismatches, and nothing else. */
export function replayOf(steps: Step[] = [], mismatches: Mismatch[] = []): ReplayResult {
  return { steps, notChecked: [], mismatches, head: new Map(), before: new Map(), changes: new Map() };
}
