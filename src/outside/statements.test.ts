import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wholeFile } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { reachOf, type ReachKind } from './statements.ts';

const reach = (sql: string) =>
  reachOf({ file: 'm/0001_x.up.sql', units: wholeFile(sql), transaction: 'implicit' }).map((r) => [r.kind, r.what]);

// Each row: SQL, and what it reaches outside its database ([] = nothing).
const CASES: [string, [ReachKind, string][]][] = [
  ['DROP DATABASE appdb WITH (FORCE);', [['database', 'DROP DATABASE']]],
  ['create database "other";', [['database', 'CREATE DATABASE']]],
  ["ALTER DATABASE appdb SET timezone TO 'UTC';", [['database', 'ALTER DATABASE']]],
  ['CREATE ROLE evil LOGIN SUPERUSER;', [['role', 'CREATE ROLE']]],
  ["ALTER USER app PASSWORD 'x';", [['role', 'ALTER USER']]],
  ['DROP GROUP staff;', [['role', 'DROP GROUP']]],
  ['CREATE USER MAPPING FOR app SERVER s;', []],
  ['ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password $$x$$);', []],
  ['GRANT admin TO app;', [['role', 'GRANT (role membership)']]],
  ['REVOKE admin FROM app;', [['role', 'REVOKE (role membership)']]],
  ['GRANT SELECT ON ALL TABLES IN SCHEMA public TO app;', []],
  ['GRANT CONNECT ON DATABASE appdb TO app;', [['database', 'GRANT … ON DATABASE']]],
  ['GRANT CREATE ON TABLESPACE fast TO app;', [['tablespace', 'GRANT … ON TABLESPACE']]],
  ["ALTER SYSTEM SET work_mem = '1GB';", [['settings', 'ALTER SYSTEM']]],
  ["CREATE TABLESPACE fast LOCATION '/mnt';", [['tablespace', 'CREATE TABLESPACE']]],
  ["COPY (SELECT 1) TO PROGRAM 'env > /tmp/x';", [['program', 'COPY … TO PROGRAM']]],
  ["COPY t FROM PROGRAM 'curl x';", [['program', 'COPY … FROM PROGRAM']]],
  ["COPY t FROM '/etc/passwd';", [['server-file', 'COPY … FROM a server file']]],
  ['COPY t FROM STDIN;', []],
  ['COPY t (a, b) TO STDOUT WITH (FORMAT csv);', []],
  ["SELECT pg_read_file('/etc/passwd');", [['server-file', 'pg_read_file()']]],
  ["SELECT pg_catalog.lo_import('/etc/passwd');", [['server-file', 'lo_import()']]],
  ["SELECT app.pg_read_file('x');", []],
  ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity;', [['server', 'pg_terminate_backend()']]],
  ['SELECT pg_reload_conf();', [['settings', 'pg_reload_conf()']]],
  ["LOAD 'auto_explain';", [['server', 'LOAD']]],
  ['REASSIGN OWNED BY old TO new;', [['database', 'REASSIGN OWNED (also hands over databases and tablespaces)']]],
  ['DROP OWNED BY old;', []],
  ["COMMENT ON DATABASE appdb IS 'x';", [['database', 'COMMENT ON DATABASE']]],
  ["COMMENT ON TABLE t IS 'DROP DATABASE appdb';", []],
  ["CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p;", [['connection', 'CREATE SUBSCRIPTION']]],
  ['CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;', [['server-file', 'a file_fdw server (reads server files)']]],
  [
    "CREATE SERVER other FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'x');",
    [['connection', 'a postgres_fdw server (connects to other servers)']],
  ],
  ["SELECT dblink_exec('dbname=appdb', 'DROP TABLE users');", [['connection', 'dblink_exec()']]],
  // Function bodies and DO blocks are code: what they would do counts.
  [
    'DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname ' +
      "= 'anon') THEN CREATE ROLE anon NOLOGIN; END IF; END $$;",
    [['role', 'CREATE ROLE']],
  ],
  [
    "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $fn$ SELECT pg_read_file('/etc/passwd') $fn$;",
    [['server-file', 'pg_read_file()']],
  ],
  // Comments, strings and identifiers are not statements.
  ['-- DROP DATABASE appdb;\nSELECT 1;', []],
  ["/* CREATE ROLE x; */ SELECT 'ALTER SYSTEM SET x = 1';", []],
  ['CREATE TABLE "create role" (id int); CREATE TABLE database (drop int);', []],
  ['CREATE TABLE users (id int); CREATE INDEX CONCURRENTLY users_id ON users (id);', []],
  ["SET ROLE app; SELECT set_config('x.y', 'z', false);", []],
];

for (const [sql, expected] of CASES) {
  test(`outside: ${sql.slice(0, 90)}`, () => {
    assert.deepEqual(reach(sql), expected);
  });
}

test('outside: each statement is located at its line and column in the file', () => {
  const sql = 'CREATE TABLE t (id int);\n\n  CREATE ROLE x;   DROP DATABASE y;\n';
  const found = reachOf({ file: 'f.sql', units: wholeFile(sql), transaction: 'implicit' });
  assert.deepEqual(
    found.map((r) => [r.line, r.column, r.text]),
    [
      [3, 3, 'CREATE ROLE x;'],
      [3, 20, 'DROP DATABASE y;'],
    ],
  );
  // Units split by a runner keep their own positions.
  const units = splitStatements(sql);
  assert.deepEqual(
    reachOf({ file: 'f.sql', units, transaction: 'none' }).map((r) => [r.line, r.column]),
    [
      [3, 3],
      [3, 20],
    ],
  );
});
