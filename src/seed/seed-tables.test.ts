import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { fingerprintColumns } from './fingerprint.ts';
import { seedTables, type SeedResult } from './seed-tables.ts';
import { sharedServer } from '../../test/helpers.ts';

const server = sharedServer();

async function withSchema<T>(schema: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const db = await server().createDatabase('seed-test');
  const client = await db.connect();
  try {
    await client.query(schema);
    return await fn(client);
  } finally {
    await client.end();
    await db[Symbol.asyncDispose]();
  }
}

const byTable = (result: SeedResult) => new Map(result.tables.map((t) => [t.table, t]));
const one = async <T extends pg.QueryResultRow>(client: pg.Client, sql: string) =>
  (await client.query<T>(sql)).rows[0]!;

export const EVERY_TYPE = `
CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN short_code AS varchar(5) NOT NULL;
CREATE TYPE pair AS (a int, b text);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE everything (
  id bigserial PRIMARY KEY, name varchar(20) NOT NULL, bio text, age smallint, n int, big bigint,
  score numeric(6,2), nm numeric, ratio float8, r4 real, price money, active bool NOT NULL, uid uuid UNIQUE,
  avatar bytea, born date, wakes time, wakes_tz timetz, seen timestamp, seen_tz timestamptz NOT NULL,
  span interval, prefs json, meta jsonb, tags text[], moods mood[], m mood, pos posint, code short_code,
  initials char(3), ip inet, net cidr, mac macaddr, mac8 macaddr8, flags bit(8), vb varbit(16), doc tsvector,
  q tsquery, x xml, pt point, bx box, ci circle, ln line, ls lseg, pa path, po polygon, rng int4range,
  drng daterange, tsr tstzrange,
  frng floatrange, mr int4multirange, p pair, lsn pg_lsn,
  ident int GENERATED ALWAYS AS IDENTITY, shout text GENERATED ALWAYS AS (upper(name)) STORED,
  EXCLUDE USING gist (tsr WITH &&)
);`;

test('a table with every kind of column fills with the rows asked for', async () => {
  await withSchema(EVERY_TYPE, async (client) => {
    const result = await seedTables(client, { rows: 500 });
    const row = byTable(result).get('public.everything')!;
    assert.equal(row.skipped, undefined, JSON.stringify(row));
    assert.equal(row.rows, 500);
    assert.deepEqual(row.notes, []);
    assert.equal(
      (await one<{ n: string }>(client, 'SELECT min(pos)::text AS n FROM everything')).n,
      '1',
      "the domain's CHECK (VALUE > 0) shapes its values",
    );
    const counts = await one<{ n: string; ids: string; shout: string }>(
      client,
      'SELECT count(*) AS n, count(DISTINCT ident) AS ids, count(*) ' +
        'FILTER (WHERE shout = upper(name)) AS shout FROM everything',
    );
    assert.deepEqual(counts, { n: '500', ids: '500', shout: '500' });
  });
});

test(
  'the rows hold the awkward values the schema allows, ' + 'so the migrations that assume otherwise fail on them',
  async () => {
    const schema =
      `CREATE TABLE accounts (id int PRIMARY KEY, email text, nick ` +
      `varchar(20), code text, born date, balance int NOT NULL)`;
    await withSchema(schema, async (client) => {
      await seedTables(client, { rows: 1000 });
      const facts = await one<Record<string, string>>(
        client,
        `SELECT count(*) FILTER (WHERE email IS NULL) AS null_emails,
              count(*) - count(DISTINCT nick) - count(*) FILTER (WHERE nick IS NULL) AS repeated_nicks,
              max(length(nick))::text AS longest_nick, count(*) FILTER (WHERE code !~ '^[0-9]+$') AS non_numeric_codes,
              count(*) FILTER (WHERE code = '') AS empty_codes, min(balance)::text AS min_balance,
              max(balance)::text AS max_balance,
              count(*) FILTER (WHERE born = '2024-02-29') AS leap_days,
              count(*) FILTER (WHERE born = 'infinity') AS infinite
              FROM accounts`,
      );
      assert.ok(Number(facts.null_emails) > 100, `NULLs in a nullable column: ${facts.null_emails}`);
      assert.ok(
        Number(facts.repeated_nicks) > 100,
        `duplicates in a column with no unique key: ${facts.repeated_nicks}`,
      );
      assert.equal(facts.longest_nick, '20');
      assert.ok(Number(facts.non_numeric_codes) > 0 && Number(facts.empty_codes) > 0);
      assert.deepEqual([facts.min_balance, facts.max_balance], ['-2147483648', '2147483647']);
      assert.ok(Number(facts.leap_days) > 0 && Number(facts.infinite) > 0);

      const fails = async (sql: string) =>
        client.query(sql).then(
          () => 'ok',
          (e: pg.DatabaseError) => e.code,
        );
      assert.equal(await fails('ALTER TABLE accounts ALTER COLUMN email SET NOT NULL'), '23502');
      assert.equal(await fails('ALTER TABLE accounts ADD UNIQUE (nick)'), '23505');
      assert.equal(await fails('ALTER TABLE accounts ALTER COLUMN code TYPE integer USING code::integer'), '22P02');
      assert.equal(await fails('ALTER TABLE accounts ALTER COLUMN nick TYPE varchar(10)'), '22001');
      assert.equal(await fails('ALTER TABLE accounts ADD CHECK (balance >= 0)'), '23514');
    });
  },
);

test(
  'foreign keys fill parents first and point at their ' + 'actual rows, composite and self-referencing keys included',
  async () => {
    const schema = `
    CREATE TABLE orgs (code text, region char(2), name text NOT NULL, PRIMARY KEY (code, region));
    CREATE TABLE users (id uuid PRIMARY KEY, org_code text NOT NULL, org_region char(2) NOT NULL,
      manager uuid REFERENCES users,
      mentor uuid NOT NULL REFERENCES users, FOREIGN KEY (org_code, org_region) REFERENCES orgs);
    CREATE TABLE memberships (user_id uuid REFERENCES users, org_code text, org_region char(2), since date NOT NULL,
      PRIMARY KEY (user_id, org_code, org_region), FOREIGN KEY (org_code, org_region) REFERENCES orgs);
    CREATE TABLE a_first (id int PRIMARY KEY, user_id uuid NOT NULL REFERENCES users);`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 300 }));
      for (const table of ['public.orgs', 'public.users', 'public.memberships', 'public.a_first'])
        assert.equal(result.get(table)?.rows, 300, table);
      const users = await one<Record<string, string>>(
        client,
        `SELECT count(DISTINCT (org_code, org_region)) AS orgs, count(manager) AS ` +
          `managed, count(*) FILTER (WHERE mentor = id) AS self_mentored FROM users`,
      );
      assert.ok(Number(users.orgs) > 200, `children spread over the parent's rows: ${users.orgs}`);
      // The nullable self-reference is filled once the rows exist (every 7th left NULL); the NOT NULL one
      // points at the row itself.
      assert.ok(Number(users.managed) > 200 && Number(users.managed) < 300, users.managed);
      assert.equal(users.self_mentored, '300');
    });
  },
);

test(
  'a cycle of foreign keys is broken at its nullable column and ' +
    'filled afterwards; a cycle without one is skipped and said so',
  async () => {
    const schema = `
    CREATE TABLE teams (id int PRIMARY KEY, captain int);
    CREATE TABLE players (id int PRIMARY KEY, team int NOT NULL REFERENCES teams);
    ALTER TABLE teams ADD FOREIGN KEY (captain) REFERENCES players;
    CREATE TABLE eggs (id int PRIMARY KEY, hen int NOT NULL);
    CREATE TABLE hens (id int PRIMARY KEY, egg int NOT NULL REFERENCES eggs);
    ALTER TABLE eggs ADD FOREIGN KEY (hen) REFERENCES hens;
    CREATE TABLE nests (id int PRIMARY KEY, hen int NOT NULL REFERENCES hens);`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 100 }));
      assert.equal(result.get('public.teams')?.rows, 100);
      assert.equal(result.get('public.players')?.rows, 100);
      assert.ok(Number((await one<{ n: string }>(client, 'SELECT count(captain) AS n FROM teams')).n) > 80);
      assert.deepEqual(result.get('public.eggs')?.skipped, {
        reason:
          'its foreign keys form a cycle (public.eggs → public.hens → public.eggs) with no nullable column to break it',
      });
      assert.deepEqual(result.get('public.hens')?.skipped, {
        reason: 'foreign key hens_egg_fkey needs rows in public.eggs, which has none',
      });
      assert.equal(
        result.get('public.nests')?.skipped?.reason,
        'foreign key nests_hen_fkey needs rows in public.hens, which has none',
      );
    });
  },
);

test(
  'a CHECK no value can satisfy and a trigger that raises skip ' +
    'their table with the reason; the other tables still fill',
  async () => {
    const schema = `
    CREATE TABLE impossible (id int PRIMARY KEY, v int NOT NULL CHECK (v < 0 AND v > 0));
    CREATE TABLE picky (id int PRIMARY KEY, status text NOT NULL CHECK (status IN ('open', 'closed')),
      v int CHECK (v BETWEEN 1 AND 10));
    CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql
      AS $$BEGIN RAISE EXCEPTION 'rows come from the importer only'; END$$;
    CREATE TABLE imported (id int PRIMARY KEY);
    CREATE TRIGGER imported_guard BEFORE INSERT ON imported FOR EACH ROW EXECUTE FUNCTION refuse();
    CREATE TABLE fine (id int PRIMARY KEY, note text);
    CREATE TYPE job_state AS ENUM ('queued', 'running', 'done', 'failed');
    CREATE TABLE jobs (id int PRIMARY KEY, state job_state NOT NULL, done_at timestamptz,
      CONSTRAINT done_when_finished CHECK ((done_at IS NULL AND state IN ('queued', 'running'))
        OR (done_at IS NOT NULL AND state IN ('done', 'failed'))));`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 50 }));
      assert.deepEqual(result.get('public.impossible')?.skipped, {
        reason: 'no generated row satisfies check constraint "impossible_v_check"',
        code: '23514',
      });
      assert.deepEqual(result.get('public.imported')?.skipped, {
        reason: 'rows come from the importer only (raised by PL/pgSQL function refuse() line 1 at RAISE)',
        code: 'P0001',
      });
      assert.equal(result.get('public.fine')?.rows, 50);
      assert.equal(result.get('public.picky')?.rows, 50, JSON.stringify(result.get('public.picky')));
      assert.equal(Number((await one<{ n: string }>(client, 'SELECT count(*) AS n FROM fine')).n), 50);
      // A CHECK over several columns leaves out the candidate rows it refuses, keeping the rest awkward.
      assert.deepEqual(result.get('public.jobs'), {
        table: 'public.jobs',
        rows: 50,
        ms: result.get('public.jobs')!.ms,
        notes: [],
      });
      const picky = await one<Record<string, string>>(
        client,
        `SELECT string_agg(DISTINCT status, ' ') AS statuses, min(v)::text AS lo, ` +
          `max(v)::text AS hi, count(*) FILTER (WHERE v IS NULL)::text AS nulls FROM picky`,
      );
      assert.deepEqual(
        { ...picky, nulls: Number(picky.nulls) > 0 },
        { statuses: 'closed open', lo: '1', hi: '10', nulls: true },
      );
    });
  },
);

test('the same schema gets the same rows on two databases', async () => {
  const schema = `${EVERY_TYPE}
    CREATE TABLE notes (id serial PRIMARY KEY, author bigint NOT NULL REFERENCES everything, body text,
      at timestamptz);`;
  const fingerprint = () =>
    withSchema(schema, async (client) => {
      await client.query(`SET TimeZone = 'America/New_York'`);
      await seedTables(client, { rows: 200 });
      return fingerprintColumns(client, ['public.everything', 'public.notes']);
    });
  const first = await fingerprint();
  const second = await fingerprint();
  assert.equal(first.get('public.everything')?.rows, 200);
  assert.deepEqual(second, first);
});

test(
  'seed files keep their tables: they are left alone and ' + 'serve as parents; rows already there are kept clear of',
  async () => {
    const schema = `
    CREATE TABLE roles (id int PRIMARY KEY, name text UNIQUE NOT NULL);
    INSERT INTO roles VALUES (1, 'admin'), (2, 'staff'), (3, 'guest');
    CREATE TABLE plans (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO plans VALUES (1, 'free'), (2, 'pro');
    CREATE TABLE members (id int PRIMARY KEY, role int NOT NULL REFERENCES roles, plan int NOT NULL REFERENCES plans);`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 100, skip: ['public.plans'] }));
      assert.deepEqual(result.get('public.plans'), {
        table: 'public.plans',
        rows: 0,
        ms: 0,
        skipped: { reason: 'filled by a seed file' },
      });
      assert.equal(result.get('public.roles')?.rows, 100);
      assert.equal(result.get('public.members')?.rows, 100);
      const facts = await one<Record<string, string>>(
        client,
        `SELECT (SELECT count(*) FROM plans) AS plans, (SELECT count(DISTINCT ` +
          `plan) FROM members) AS used, (SELECT count(*) FROM roles) AS roles`,
      );
      assert.deepEqual(facts, { plans: '2', used: '2', roles: '103' });
    });
  },
);

test("inside the caller's transaction it leaves the transaction open; outside one it commits", async () => {
  await withSchema('CREATE TABLE t (id int PRIMARY KEY)', async (client) => {
    await client.query('BEGIN');
    await seedTables(client, { rows: 10 });
    assert.equal((await one<{ n: string }>(client, 'SELECT count(*) AS n FROM t')).n, '10');
    await client.query('ROLLBACK');
    assert.equal((await one<{ n: string }>(client, 'SELECT count(*) AS n FROM t')).n, '0');
    await seedTables(client, { rows: 10, tables: ['public.t'] });
    await client.query('ROLLBACK').catch(() => {});
    assert.equal((await one<{ n: string }>(client, 'SELECT count(*) AS n FROM t')).n, '10');
  });
});

test(
  'a unique key of a small type holds as many rows as ' + 'the type can; partitions fill through their parent',
  async () => {
    const schema = `
    CREATE TABLE flags (on_off bool PRIMARY KEY, note text);
    CREATE TABLE levels (level smallint PRIMARY KEY);
    CREATE TABLE events (id bigint, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE TABLE events_old PARTITION OF events FOR VALUES FROM (MINVALUE) TO ('2020-01-01');
    CREATE TABLE events_new PARTITION OF events FOR VALUES FROM ('2020-01-01') TO (MAXVALUE);`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 40_000 }));
      assert.equal(result.get('public.flags')?.rows, 2);
      assert.equal(result.get('public.levels')?.rows, 32_767);
      assert.equal(result.get('public.events')?.rows, 40_000);
      assert.equal(result.has('public.events_old'), false);
      assert.ok(Number((await one<{ n: string }>(client, 'SELECT count(*) AS n FROM events_old')).n) > 0);
    });
  },
);

test(
  'keys that share a tenant column draw parent rows of the ' +
    'same tenant; two keys to one parent point at different rows',
  async () => {
    const schema = `
    CREATE TABLE projects (id text PRIMARY KEY);
    CREATE TABLE runs (id text, project_id text NOT NULL REFERENCES projects, PRIMARY KEY (id, project_id));
    CREATE TABLE chats (id text, project_id text NOT NULL REFERENCES projects, PRIMARY KEY (id, project_id));
    CREATE TABLE events (id int PRIMARY KEY, project_id text NOT NULL REFERENCES projects, run_id text NOT NULL,
      chat_id text NOT NULL,
      FOREIGN KEY (run_id, project_id) REFERENCES runs, FOREIGN KEY (chat_id, project_id) REFERENCES chats);
    CREATE TABLE transfers (id int PRIMARY KEY, sender text NOT NULL REFERENCES projects,
      recipient text NOT NULL REFERENCES projects,
      CHECK (sender <> recipient));`;
    await withSchema(schema, async (client) => {
      const result = byTable(await seedTables(client, { rows: 150 }));
      assert.equal(result.get('public.events')?.rows, 150, JSON.stringify(result.get('public.events')));
      assert.equal(result.get('public.transfers')?.rows, 150, JSON.stringify(result.get('public.transfers')));
    });
  },
);
