// Seeding and fingerprinting cost on a 10-table schema, per row count, each size in a process of
// its own so that peak memory (maxRSS) is that size's alone: `node bench/seed.ts [rows…]`.
import { execFileSync } from 'node:child_process';
import { startEmbedded } from '../src/database/embedded.ts';
import { fingerprintColumns } from '../src/seed/fingerprint.ts';
import { seedTables } from '../src/seed/seed-tables.ts';

export const TEN_TABLES = `
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TABLE orgs (id serial PRIMARY KEY, slug varchar(40) NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, email text NOT NULL UNIQUE,
  name varchar(100), born date, settings jsonb NOT NULL DEFAULT '{}', invited_by bigint REFERENCES users);
CREATE TABLE products (id uuid PRIMARY KEY, sku char(12) NOT NULL UNIQUE, title text NOT NULL, price numeric(10,2) NOT NULL CHECK (price >= 0), tags text[]);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, status order_status NOT NULL DEFAULT 'new',
  placed_at timestamptz NOT NULL, note text);
CREATE TABLE order_items (order_id bigint REFERENCES orders, product_id uuid REFERENCES products, qty int NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, product_id));
CREATE TABLE posts (id serial PRIMARY KEY, author bigint NOT NULL REFERENCES users, title varchar(200) NOT NULL, body text, published bool NOT NULL DEFAULT false);
CREATE TABLE comments (id serial PRIMARY KEY, post_id int NOT NULL REFERENCES posts, author bigint REFERENCES users, body text NOT NULL, at timestamp);
CREATE TABLE labels (id smallserial PRIMARY KEY, name text NOT NULL UNIQUE, color bytea);
CREATE TABLE post_labels (post_id int REFERENCES posts, label_id smallint REFERENCES labels, PRIMARY KEY (post_id, label_id));
CREATE TABLE events (at timestamptz NOT NULL, kind text, payload json, ip inet);`;

async function measure(rows: number) {
  const server = await startEmbedded();
  const db = await server.createDatabase('bench-seed');
  const client = await db.connect();
  try {
    await client.query(TEN_TABLES);
    const seeded = await seedTables(client, { rows });
    const t0 = performance.now();
    await fingerprintColumns(
      client,
      seeded.tables.map((t) => t.table),
    );
    const fingerprintMs = Math.round(performance.now() - t0);
    const skipped = seeded.tables.filter((t) => t.skipped).map((t) => t.table);
    const total = seeded.tables.reduce((n, t) => n + t.rows, 0);
    return {
      rows,
      seedMs: seeded.ms,
      fingerprintMs,
      rowsInserted: total,
      skipped,
      rssMiB: mib(process.memoryUsage().rss),
      maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await client.end();
    await db[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
  }
}

const mib = (bytes: number) => Math.round(bytes / 1048576);

if (process.argv[1] !== import.meta.filename) {
  // imported for its schema
} else if (process.env.SEED_BENCH_ROWS) {
  console.log(JSON.stringify(await measure(Number(process.env.SEED_BENCH_ROWS))));
} else {
  const sizes = process.argv.slice(2).map(Number);
  for (const rows of sizes.length ? sizes : [1_000, 100_000]) {
    const out = execFileSync(process.execPath, [import.meta.filename], {
      env: { ...process.env, SEED_BENCH_ROWS: String(rows) },
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    console.log(
      `${String(r.rows).padStart(7)} rows/table: seed ${r.seedMs} ms (${r.rowsInserted} rows in 10 tables${r.skipped.length ? `, skipped ${r.skipped.join(' ')}` : ''}), ` +
        `fingerprint ${r.fingerprintMs} ms, node RSS ${r.rssMiB} MiB (peak ${r.maxRssMiB} MiB)`,
    );
  }
}
