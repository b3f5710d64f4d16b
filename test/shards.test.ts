// `--shard k/n` and `migrate-check merge`: the shards' JSON reports, merged, say what the unsplit
// run says (the same findings, steps, schemas and verdict), on real fixtures and one embedded server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { FIXTURES, sharedServer } from './helpers.ts';

const server = sharedServer();
const folders: string[] = [];
after(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-shards-'));
  folders.push(dir);
  return dir;
};

async function report(args: string[], cwd?: string): Promise<Report> {
  const r = await cliInProcess([...args, '--output', 'json'], { server: server(), ...(cwd ? { cwd } : {}) });
  assert.notEqual(r.code, 2, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

async function merged(paths: string[]): Promise<{ code: number; report: Report | null; stderr: string }> {
  const r = await cliInProcess(['merge', ...paths, '--output', 'json'], { server: server() });
  return { code: r.code ?? -1, report: r.code === 2 ? null : (JSON.parse(r.stdout) as Report), stderr: r.stderr };
}

/** What a reader of the report sees, without the figures that vary from run to run (hold times). */
function seen(r: Report) {
  return {
    ok: r.ok,
    findings: r.findings.map((f) => [f.check, f.severity, f.file, f.line, f.message.replace(/\d[\d,.]*/g, '#')]),
    directories: r.directories.map((d) => ({
      path: d.path,
      steps: d.steps.map((s) => `${s.version} ${s.name} ${s.direction} ${s.attempt} ${s.status}`),
      notChecked: d.notChecked?.map((n) => [n.versions, n.reason]) ?? [],
      head: d.schema.head,
      changes: d.migrations.map((m) => JSON.stringify(m.changes ?? null)),
    })),
  };
}

/** Each shard's report written to a folder, as a matrix's jobs upload them. */
async function shards(args: string[], count: number, cwd?: string): Promise<{ dir: string; parts: Report[] }> {
  const dir = folder();
  const parts: Report[] = [];
  for (let k = 1; k <= count; k++) {
    const part = await report([...args, '--shard', `${k}/${count}`], cwd);
    parts.push(part);
    writeFileSync(join(dir, `shard-${k}.json`), JSON.stringify(part));
  }
  return { dir, parts };
}

/** A Flyway directory ending in repeatable migrations, which all have the version R. */
const repeatables = (() => {
  const dir = folder();
  const files: Record<string, string> = {
    'V1__users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    'V2__orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);',
    'R__a_emails.sql': 'CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;',
    'R__b_ids.sql': 'CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;',
    'R__c_orders.sql': 'CREATE OR REPLACE VIEW order_ids AS SELECT id FROM orders;',
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), `${text}\n`);
  return dir;
})();

const CASES: { name: string; args: string[]; cwd?: string; counts: number[]; by: 'range' | 'directory' }[] = [
  {
    name: "Flyway's repeatables (all version R) cut into ranges",
    args: [repeatables, '--format', 'flyway'],
    counts: [2, 4],
    by: 'range',
  },
  {
    name: 'a down that leaves an index behind (golang-migrate)',
    args: [join(FIXTURES, 'golang-migrate/down-leaves-index')],
    counts: [3],
    by: 'range',
  },
  {
    name: 'migrations that fail on seeded rows, and a lossy down',
    args: [join(FIXTURES, 'data/golang-migrate-failing')],
    counts: [2],
    by: 'range',
  },
  {
    name: 'a directory roundtripped whole (roundtrip all) goes whole to one shard',
    args: [join(FIXTURES, 'golang-migrate/down-leaves-index'), '--roundtrip', 'all'],
    counts: [2],
    by: 'range',
  },
  {
    name: 'two directories, one per shard',
    args: [join(FIXTURES, 'golang-migrate/down-leaves-index'), join(FIXTURES, 'goose/clean')],
    counts: [2],
    by: 'directory',
  },
];

describe('shards merged equal the unsplit run', () => {
  for (const c of CASES)
    for (const count of c.counts)
      test(`${c.name}: ${count} shards`, async () => {
        const whole = await report(c.args, c.cwd);
        const { dir, parts } = await shards(c.args, count, c.cwd);
        assert.ok(parts.every((p) => p.shard?.by === c.by && p.shard.count === count));
        // No finding is reported by two shards.
        assert.equal(
          parts.reduce((n, p) => n + p.findings.length, 0),
          whole.findings.length,
        );
        const { code, report: joined } = await merged([dir]);
        assert.equal(code, whole.ok ? 0 : 1);
        assert.deepEqual(seen(joined!), seen(whole));
        assert.deepEqual(joined!.shards, { count, merged: [...Array(count).keys()].map((i) => i + 1), missing: [] });
      });
});

describe('merge refuses what would not be one run, and names what is missing', () => {
  const fixture = [join(FIXTURES, 'golang-migrate/down-leaves-index')];

  test('a missing shard leaves its migrations not checked, and the merged report fails', async () => {
    const { parts } = await shards(fixture, 2);
    const dir = folder();
    writeFileSync(join(dir, 'first.json'), JSON.stringify(parts[0]));
    const { code, report: joined } = await merged([dir]);
    assert.equal(code, 1);
    assert.equal(joined!.ok, false);
    assert.deepEqual(joined!.shards?.missing, [2]);
    assert.deepEqual(joined!.directories[0]!.notChecked, [
      { versions: ['0002'], reason: 'shard 2/2 is missing (no report was given)' },
    ]);
    const text = await cliInProcess(['merge', dir], { server: server() });
    assert.match(text.stdout, /✗ Migrations are not safe to merge: shard 2\/2 missing/);
    assert.match(text.stdout, /1 of 2 migrations in .* was not checked because shard 2\/2 is missing/);
  });

  test('the same shard twice, shards of different splits, reports of other commits, and non-reports', async () => {
    const { parts } = await shards(fixture, 2);
    const dir = folder();
    const write = (name: string, value: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
      return path;
    };
    const one = write('one.json', parts[0]);
    const again = write('again.json', parts[0]);
    let r = await merged([one, again]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /one\.json and .*again\.json are both shard 1\/2: give each shard's report once/);

    const [third] = (await shards(fixture, 3)).parts;
    r = await merged([one, write('third.json', { ...third, shard: { ...third!.shard, index: 2 } })]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is shard 2\/3 of another split than .* every job must run .* the same --shard count/);

    const a = write('a.json', { ...parts[0], commit: 'a'.repeat(40) });
    const b = write('b.json', { ...parts[1], commit: 'b'.repeat(40) });
    r = await merged([a, b]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to merge reports of different commits/);

    r = await merged([write('whole.json', await report(fixture)), one]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not a shard \(--shard k\/n\): they would count the same migrations twice/);

    for (const [value, says] of [
      ['not json', /is not JSON .*give the files of --output json/],
      [{ schemaVersion: 9, findings: [] }, /report schema version 9; this migrate-check reads version 1/],
      [[1, 2], /is not a migrate-check report/],
    ] as const) {
      r = await merged([write('bad.json', value)]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, says);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const none = await cliInProcess(['merge'], { server: server() });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /`migrate-check merge` needs the JSON reports to merge/);
    const empty = folder();
    r = await merged([empty]);
    assert.match(r.stderr, /holds no JSON report/);
  });

  test('a shard setting that is no k/n, and shards with same-database, stop before any server starts', async () => {
    for (const [value, says] of [
      ['3/2', /`shard` is the text "3\/2"; it must be k\/n, the part k \(from 1\) of n parts, e.g\. 2\/4/],
      ['0/2', /`shard` is the text "0\/2"/],
      ['half', /`shard` is the text "half"/],
    ] as [string, RegExp][]) {
      const r = await cliInProcess([...fixture, '--shard', value], { server: server() });
      assert.equal(r.code, 2);
      assert.match(r.stderr, says);
    }
    const r = await cliInProcess(['--shard', '1/2'], {
      server: server(),
      cwd: join(FIXTURES, 'layouts/timestamps-with-job-queue'),
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /`same-database` replays every directory in one database/);
  });
});
