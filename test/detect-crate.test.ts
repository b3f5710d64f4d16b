// sqlx's reversible migrations are named as golang-migrate's (`0001_x.up.sql` + `.down.sql`), and
// its simple ones as plain numbered files; its own marker (`-- no-transaction`) is rare. The crate
// beside them says which tool runs them: a Cargo.toml that depends on sqlx makes them sqlx's, whose
// transaction around each migration a `CREATE INDEX CONCURRENTLY` cannot run in.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { sharedServer } from './helpers.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A repository with a folder `crates/store` holding `migrations/`; `manifest`: its Cargo.toml, if
 * any (`root`: the repository's own one).
 */
function repository(manifest: string | null, root?: string): string {
  const repo = mkdtempSync(join(tmpdir(), 'mc-crate-'));
  made.push(repo);
  mkdirSync(join(repo, '.git'));
  if (root !== undefined) writeFileSync(join(repo, 'Cargo.toml'), root);
  const crate = join(repo, 'crates', 'store');
  mkdirSync(join(crate, 'migrations'), { recursive: true });
  if (manifest !== null) writeFileSync(join(crate, 'Cargo.toml'), manifest);
  const write = (name: string, sql: string) => writeFileSync(join(crate, 'migrations', name), `${sql}\n`);
  write('0001_items.up.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, sku text);');
  write('0001_items.down.sql', 'DROP TABLE items;');
  write('0002_items_sku.up.sql', 'CREATE INDEX CONCURRENTLY items_sku ON items (sku);');
  write('0002_items_sku.down.sql', 'DROP INDEX CONCURRENTLY items_sku;');
  return crate;
}

async function check(crate: string) {
  const r = await cliInProcess(['migrations', '--output', 'json', '--no-observe', '--no-seed'], {
    server: server(),
    cwd: crate,
  });
  assert.notEqual(r.code, 2, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  return {
    code: r.code,
    format: report.directories[0]!.format,
    findings: report.findings.map((f) => `${f.check} ${f.severity} ${f.file}`),
  };
}

const SQLX = '[package]\nname = "store"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n';

test('a crate that depends on sqlx: its migrations are read as sqlx, each in its transaction', async () => {
  const { code, format, findings } = await check(repository(SQLX));
  assert.equal(format, 'sqlx');
  assert.equal(code, 1);
  // The up fails as `sqlx migrate run` fails: it stops there.
  assert.deepEqual(findings, ['transaction error migrations/0002_items_sku.up.sql']);
});

test('a workspace member that takes sqlx from the workspace is read as sqlx too, however its Cargo.toml spells it', async () => {
  for (const dependency of [
    'sqlx = { workspace = true, optional = true }',
    'sqlx.workspace = true',
    'sqlx.version = "0.8"',
    '"sqlx" = "0.8"',
    'db = { package = "sqlx", version = "0.8" }',
  ]) {
    const { format } = await check(repository(`[package]\nname = "store"\n\n[dependencies]\n${dependency}\n`));
    assert.equal(format, 'sqlx', dependency);
  }
});

test("a crate that depends on sqlx, with sqlx's -- no-transaction marker in a file: sqlx, not a choice to make", async () => {
  const crate = repository(SQLX);
  const marked = (sql: string) => `-- no-transaction\n${sql}\n`;
  writeFileSync(
    join(crate, 'migrations', '0002_items_sku.up.sql'),
    marked('CREATE INDEX CONCURRENTLY items_sku ON items (sku);'),
  );
  writeFileSync(join(crate, 'migrations', '0002_items_sku.down.sql'), marked('DROP INDEX CONCURRENTLY items_sku;'));
  const { code, format, findings } = await check(crate);
  assert.deepEqual([code, format, findings], [0, 'sqlx', []]);
  // Without the crate the folder fits both, and the choice suggested is the marker's tool.
  rmSync(join(crate, 'Cargo.toml'));
  const r = await cliInProcess(['migrations', '--no-observe', '--no-seed'], { server: server(), cwd: crate });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /fits more than one migration format: golang-migrate .*sqlx .*e\.g\. `--format sqlx`\.\n$/);
});

test('no crate, one without sqlx, or a workspace that only lists its version: golang-migrate, which sends a one-statement file alone', async () => {
  const cases: [string | null, string?][] = [
    [null],
    ['[dependencies]\ndiesel = "2"\nsqlx-cli = "0.8" # the command, not the library\n'],
    // A Go service in a Rust monorepo: the workspace's table of versions is no crate's dependency.
    [null, '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nsqlx = "0.8"\n'],
  ];
  for (const [manifest, root] of cases) {
    const { code, format, findings } = await check(repository(manifest, root));
    assert.deepEqual([code, format, findings], [0, 'golang-migrate', []], `${manifest} / ${root}`);
  }
});
