import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import { cli, CLI, FIXTURES, query, type CliResult } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'mc-machine-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder with one migration, readable by everyone unless a test takes that away. */
function folder(): string {
  const dir = mkdtempSync(join(scratch, 'db-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, '1_a.up.sql'), 'select 1;\n', { mode: 0o644 });
  return dir;
}

/** The CLI as an ordinary user (root reads every file, so permissions only show as another user). */
function asUser(args: string[], cwd: string): Promise<CliResult> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '', HOME: scratch },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('permissions: a message naming the path, exit 2, not "a bug"', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    [
      'an unreadable migration file',
      (d) => (chmodSync(join(d, '1_a.up.sql'), 0o000), [d]),
      /`[^`]*1_a\.up\.sql` cannot be read: permission denied\. Make it readable by the user running migrate-check/,
    ],
    [
      'an unreadable sub-folder',
      (d) => (mkdirSync(join(d, 'sub'), { mode: 0o000 }), [d]),
      /The folder `[^`]*\/sub` cannot be read: permission denied/,
    ],
    [
      'an unreadable config file',
      (d) => (writeFileSync(join(d, 'c.yml'), 'format: goose', { mode: 0o000 }), [d, '--config', 'c.yml']),
      /Config file `c\.yml` cannot be read: permission denied/,
    ],
    [
      'an --output-file in a folder it cannot write',
      (d) => (chmodSync(d, 0o555), [d, '--output-file', 'r.json']),
      /--output-file r\.json cannot be written: its folder `[^`]*` is not writable \(permission denied\)/,
    ],
  ];
  for (const [name, setup, message] of cases) {
    test(name, async () => {
      const dir = folder();
      const { code, stderr } = await asUser(setup(dir), dir);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /a bug in migrate-check|\n\s+at /);
    });
  }
});

test('GITHUB_STEP_SUMMARY in a missing folder, or a folder itself: said before the run', async () => {
  const dir = folder();
  for (const [summary, message] of [
    [
      join(dir, 'missing', 'summary.md'),
      /The job summary \(GITHUB_STEP_SUMMARY=.*\) cannot be written: its folder `.*missing` does not exist/,
    ],
    [dir, /The job summary \(GITHUB_STEP_SUMMARY=.*\) cannot be written: it is a folder/],
  ] as const) {
    const { code, stderr } = await cli([dir, '--output', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

describe('a reader that goes away does not stop the run before it cleans up', () => {
  let own: EmbeddedServer;
  before(async () => {
    own = await startEmbedded();
  });
  after(async () => {
    await own[Symbol.asyncDispose]();
  });

  for (const closed of ['stdout', 'stderr'] as const) {
    test(`closed ${closed}: same exit code, no crash, the scratch database is dropped`, async () => {
      const fixture = join(FIXTURES, 'golang-migrate/down-leaves-index');
      const child = spawn(process.execPath, [CLI, fixture, '--database-url', own.url], {
        env: { ...process.env, NO_COLOR: '1' },
      });
      // Like `| head -1`: read one chunk, then close the pipe.
      child[closed].once('data', () => child[closed].destroy());
      const other = closed === 'stdout' ? child.stderr : child.stdout;
      let said = '';
      other.setEncoding('utf8').on('data', (d: string) => (said += d));
      const code = await new Promise((done) => child.on('close', done));
      assert.equal(code, 1, said);
      assert.doesNotMatch(said, /a bug in migrate-check|EPIPE|\n\s+at /);
      assert.deepEqual(await query(own.url, "SELECT datname FROM pg_database WHERE datname LIKE 'migrate_check%'"), []);
    });
  }
});
