/**
 * The change log behind cheap incremental snapshots: event triggers that write the OID of every
 * object a DDL command creates, alters or drops into a table of migrate-check's own, so that a
 * refresh after a step reads only that log (nothing, after a step without DDL) and the objects
 * it names, instead of scanning the catalogs for rows written since the last snapshot.
 *
 * Everything lives in the schema `CAPTURE_SCHEMA`, which snapshots leave out (catalog-query.ts),
 * owned by the connecting superuser: a migration's role can neither read nor change it, and the
 * trigger functions run as their owner (SECURITY DEFINER), so DDL by any role is logged. A row
 * the migration writes there commits or rolls back with the migration's own transaction.
 *
 * What the triggers cannot name, the snapshot reads the slow way (a catalog scan since the last
 * mark), told so by a row with `classid = 0`:
 * - GRANT, REVOKE, ALTER DEFAULT PRIVILEGES and DROP OWNED report no OIDs;
 * - CREATE INDEX CONCURRENTLY commits part-way: one that fails after its first commit leaves an
 *   invalid index behind without ever reaching `ddl_command_end`. `ddl_command_start` marks the
 *   command in `pending`, committed with that first part, and the end trigger clears it. (Not for
 *   DROP INDEX CONCURRENTLY, which must be the first write of its transaction.)
 * Event triggers themselves fire none: the snapshot re-reads every event trigger each time.
 * Not seen at all, as no event trigger fires for them: CLUSTER (which index is clustered),
 * REASSIGN OWNED (owners) and a DROP INDEX CONCURRENTLY that fails after its first commit (the
 * index it leaves is marked invalid); snapshots of migrations that use them may lag until the
 * next DDL on the same objects.
 */

/** The schema of migrate-check's change log, hidden from snapshots. */
export const CAPTURE_SCHEMA = '_migrate_check';
const S = CAPTURE_SCHEMA;
/** The event triggers of the change log (hidden from snapshots). */
export const CAPTURE_TRIGGERS = [`${S}_start`, `${S}_end`, `${S}_drop`];
const TRIGGER_LIST = CAPTURE_TRIGGERS.map((t) => `'${t}'`).join(', ');

const FUNCTION_OPTIONS = `RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog`;

/** Installs the change log, or brings an installed one back to a clean, enabled state. */
export const INSTALL_CAPTURE = `
CREATE SCHEMA IF NOT EXISTS ${S};
CREATE UNLOGGED TABLE IF NOT EXISTS ${S}.changes (classid oid NOT NULL, objid oid NOT NULL);
CREATE UNLOGGED TABLE IF NOT EXISTS ${S}.pending (pid int NOT NULL);
CREATE OR REPLACE FUNCTION ${S}.command_start() ${FUNCTION_OPTIONS} AS $$
BEGIN INSERT INTO ${S}.pending VALUES (pg_backend_pid()); END $$;
CREATE OR REPLACE FUNCTION ${S}.command_end() ${FUNCTION_OPTIONS} AS $$
BEGIN
  INSERT INTO ${S}.changes SELECT coalesce(classid, 0), coalesce(objid, 0) FROM pg_event_trigger_ddl_commands();
  IF tg_tag = 'CREATE INDEX' THEN DELETE FROM ${S}.pending WHERE pid = pg_backend_pid(); END IF;
END $$;
CREATE OR REPLACE FUNCTION ${S}.dropped() ${FUNCTION_OPTIONS} AS $$
BEGIN
  -- A dropped column default names its table (still there, unless dropped too) by name only.
  INSERT INTO ${S}.changes SELECT * FROM (
    SELECT CASE WHEN classid = 'pg_attrdef'::regclass THEN 'pg_class'::regclass ELSE classid END AS classid,
      CASE WHEN classid = 'pg_attrdef'::regclass
        THEN coalesce(to_regclass(quote_ident(address_names[1]) || '.' || quote_ident(address_names[2]))::oid, 0)
        ELSE objid END AS objid
    FROM pg_event_trigger_dropped_objects()
  ) d WHERE d.objid <> 0;
END $$;
DROP EVENT TRIGGER IF EXISTS ${S}_start;
DROP EVENT TRIGGER IF EXISTS ${S}_end;
DROP EVENT TRIGGER IF EXISTS ${S}_drop;
CREATE EVENT TRIGGER ${S}_start ON ddl_command_start WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION ${S}.command_start();
CREATE EVENT TRIGGER ${S}_end ON ddl_command_end EXECUTE FUNCTION ${S}.command_end();
CREATE EVENT TRIGGER ${S}_drop ON sql_drop EXECUTE FUNCTION ${S}.dropped();
ALTER EVENT TRIGGER ${S}_start ENABLE ALWAYS;
ALTER EVENT TRIGGER ${S}_end ENABLE ALWAYS;
ALTER EVENT TRIGGER ${S}_drop ENABLE ALWAYS;
DELETE FROM ${S}.changes;
DELETE FROM ${S}.pending`;

/** Empties the log (before a full read). */
export const CLEAR_CAPTURE = `DELETE FROM ${S}.changes; DELETE FROM ${S}.pending`;

/** How many of the change log's triggers are in place and enabled (3 when it works). */
export const CAPTURE_HEALTH =
  `(SELECT count(*) FROM pg_event_trigger ` + `WHERE evtname IN (${TRIGGER_LIST}) AND evtenabled = 'A')`;

/** Event triggers of migrate-check's own: `e` is a pg_event_trigger row. */
export const isCaptureTrigger = (e: string) => `${e}.evtname IN (${TRIGGER_LIST})`;

/**
 * The log, emptied as it is read, for the front of a WITH list: `logged` (the `classid`, `objid`
 * it held) and `unfinished` (index builds that did not finish). `LOG_SUMMARY` then says what it
 * held, as one text: `pending health others mark changes`, where `pending` counts the unfinished
 * builds, `health` is CAPTURE_HEALTH, `others` counts event triggers not of the log's own, `mark`
 * is as `changesQuery` returns it and `changes` lists the `classid:objid` pairs (maybe none).
 */
export const READ_LOG = `logged AS (DELETE FROM ${S}.changes RETURNING classid, objid),
unfinished AS (DELETE FROM ${S}.pending RETURNING pid)`;
export const LOG_SUMMARY = `concat_ws(' ', (SELECT count(*) FROM unfinished), ${CAPTURE_HEALTH},
  (SELECT count(*) FROM pg_event_trigger e WHERE NOT ${isCaptureTrigger('e')}),
  pg_snapshot_xmax(pg_current_snapshot())::text,
  (SELECT string_agg(DISTINCT classid || ':' || objid, ' ') FROM logged))`;
