import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedServer, query } from '../../test/helpers.ts';
import { databaseConformance } from './conformance.ts';
import { startUrl } from './url.ts';

// The user's own server: here an embedded one, reached only through its URL.
const own = sharedServer();

const databases = async () =>
  (await query<{ datname: string }>(own().url, 'SELECT datname FROM pg_database')).map((r) => r.datname);

databaseConformance(
  'url',
  () => startUrl(own().url),
  () => databases(),
);

test('url: never creates anything in the database the URL names', async () => {
  await query(own().url, 'CREATE TABLE IF NOT EXISTS users_own (id int)');
  const tablesBefore = await query(
    own().url,
    "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1",
  );
  {
    await using server = await startUrl(own().url);
    await using db = await server.createDatabase('isolated');
    const client = await db.connect();
    await client.query('CREATE TABLE created_by_migration (id int)');
    await client.end();
  }
  assert.deepEqual(
    await query(own().url, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1"),
    tablesBefore,
  );
  assert.deepEqual(
    (await databases()).filter((d) => d.startsWith('migrate_check_')),
    [],
  );
});

test('url: a bad URL, an unreachable server and a missing CREATEDB each say how to fix it', async () => {
  await assert.rejects(startUrl('mysql://x@y/z'), /not a Postgres URL\. Use the form postgres:\/\//);
  await assert.rejects(startUrl('postgres://me:secret@127.0.0.1:1/postgres'), (e: Error) => {
    assert.match(e.message, /Could not connect to postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/postgres/);
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
  await query(own().url, 'DROP ROLE IF EXISTS no_createdb; CREATE ROLE no_createdb LOGIN NOCREATEDB');
  await using server = await startUrl(own().url.replace('postgres://postgres@', 'postgres://no_createdb@'));
  await assert.rejects(server.createDatabase('x'), /needs the CREATEDB privilege \(ALTER ROLE <user> CREATEDB\)/);
});

test(
  'url: a role migrate-check creates for `role` owns the scratch ' +
    'database and is dropped with it; an existing role is kept',
  async () => {
    const roles = async () =>
      (
        await query<{ rolname: string }>(
          own().url,
          "SELECT rolname FROM pg_roles WHERE rolname LIKE 'mc_test_%' ORDER BY 1",
        )
      ).map((r) => r.rolname);
    await query(
      own().url,
      'DO $$ BEGIN CREATE ROLE mc_test_existing; EXCEPTION WHEN duplicate_object THEN NULL; END $$',
    );
    {
      await using server = await startUrl(own().url);
      await using db = await server.createDatabase('role');
      await db.useRole('mc_test_created');
      await db.useRole('mc_test_existing');
      const owner = await query<{ owner: string }>(
        own().url,
        `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = '${db.name}'`,
      );
      assert.deepEqual(owner, [{ owner: 'mc_test_existing' }]);
      assert.deepEqual(await roles(), ['mc_test_created', 'mc_test_existing']);
    }
    assert.deepEqual(await roles(), ['mc_test_existing']);
    await query(own().url, 'DROP ROLE mc_test_existing');
  },
);
