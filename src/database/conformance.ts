import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Server } from './database.ts';

/**
 * The contract every database provider keeps (see database.ts). `start` returns a fresh
 * server; `listDatabases` asks the same server, from outside the provider, which databases
 * exist (so the test can see what the provider left behind).
 */
export function databaseConformance(
  name: string,
  start: () => Promise<Server>,
  listDatabases: (server: Server) => Promise<string[]>,
): void {
  test(`${name}: scratch databases are unique, usable, and dropped when disposed`, async () => {
    await using server = await start();
    assert.match(server.version, /^\d+\.\d+/);
    const a = await server.createDatabase('conformance');
    const b = await server.createDatabase('conformance');
    assert.notEqual(a.name, b.name);
    const client = await a.connect();
    await client.query('CREATE TABLE t (id int)');
    assert.equal((await client.query('SELECT current_database() AS db')).rows[0].db, a.name);
    // Dropped even while a connection is still open.
    await a[Symbol.asyncDispose]();
    await a[Symbol.asyncDispose]();
    await client.end().catch(() => {});
    const names = await listDatabases(server);
    assert.ok(!names.includes(a.name), `${a.name} still exists after dispose`);
    assert.ok(names.includes(b.name));
    await b[Symbol.asyncDispose]();
  });

  test(`${name}: scratch databases asked for at once (directories side by side) are all made, one query at a time`, async () => {
    await using server = await start();
    const warnings: string[] = [];
    const warned = (warning: Error) => warnings.push(warning.message);
    process.on('warning', warned);
    try {
      const made = await Promise.all([1, 2, 3, 4].map(() => server.createDatabase('at-once')));
      assert.equal(new Set(made.map((db) => db.name)).size, 4);
      await Promise.all(made.map((db) => db[Symbol.asyncDispose]()));
      const names = await listDatabases(server);
      for (const db of made) assert.ok(!names.includes(db.name), `${db.name} still exists after dispose`);
      // Let a warning emitted on the last query reach the listener.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.filter((w) => /already executing a query/.test(w)),
        [],
        'a query sent on the admin connection while another ran',
      );
    } finally {
      process.off('warning', warned);
    }
  });

  test(`${name}: disposing the server drops every scratch database still open`, async () => {
    const server = await start();
    const db = await server.createDatabase('left-open');
    const names = await listDatabases(server);
    assert.ok(names.includes(db.name));
    await server[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
    // A server the tool started is gone entirely; one the user named must not keep the database.
    const after = await listDatabases(server).catch(() => null);
    if (after) assert.ok(!after.includes(db.name), `${db.name} survived the server's disposal`);
  });

  test(`${name}: session timeouts end a runaway statement with SQLSTATE 57014`, async () => {
    await using server = await start();
    await using db = await server.createDatabase('timeout');
    const client = await db.connect({ statementTimeoutMs: 100, lockTimeoutMs: 100 });
    await assert.rejects(client.query('SELECT pg_sleep(5)'), (e: { code?: string }) => e.code === '57014');
    await client.end();
  });
}
