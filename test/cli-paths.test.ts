import assert from 'node:assert/strict';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { FIXTURES, sharedServer } from './helpers.ts';

const server = sharedServer();
const inProcess = (args: string[], options: { cwd?: string } = {}) =>
  cliInProcess(args, { server: server(), ...options });

/** What a run found, independent of how the folder was spelled: files relative to the folder. */
function verdict(stdout: string, cwd: string, spelled: string) {
  const report = JSON.parse(stdout) as Report;
  const [dir] = report.directories;
  const strip = (file: string | null | undefined) => file && relative(resolve(cwd, spelled), resolve(cwd, file));
  return {
    ok: report.ok,
    format: dir?.format,
    migrations: dir?.migrations.map((m) => m.version),
    steps: dir?.steps.map((s) => `${s.version} ${s.direction} ${s.status}`),
    ignored: dir?.ignored.map((i) => i.file),
    findings: report.findings.map((f) => {
      // Measured times differ from run to run; what was found does not.
      const message = f.message.replaceAll(f.file ?? '\0', strip(f.file)!).replace(/\d[\d,.]* (ms|s|min)\b/g, '<time>');
      return `${f.check} ${strip(f.file)}:${f.line ?? ''} ${message}`;
    }),
  };
}

// Each fixture has sub-folders: Prisma's `<ts>_name/migration.sql`, Drizzle's `meta/_journal.json`,
// and a custom layout with one folder per migration.
const FOLDERS: { fixture: string; config?: string }[] = [
  { fixture: 'prisma/concurrently-in-transaction' },
  { fixture: 'drizzle/not-in-journal' },
  { fixture: 'custom/nested/migrations', config: 'custom/nested/migrate-check.json' },
];

describe('a migration folder gives the same verdict however its path is spelled', () => {
  for (const { fixture, config } of FOLDERS) {
    test(fixture, async () => {
      const dir = join(FIXTURES, fixture);
      const parent = dirname(dir);
      const name = relative(parent, dir);
      const sibling = join(FIXTURES, 'golang-migrate');
      const spellings: [string, string][] = [
        [parent, name],
        [parent, `./${name}`],
        [parent, `${name}/`],
        [sibling, relative(sibling, dir)],
        [sibling, `${dir}/`],
        [dir, '.'],
      ];
      const runs = await Promise.all(
        spellings.map(async ([cwd, spelled]) => {
          const args = [spelled, '--output', 'json', ...(config ? ['--config', join(FIXTURES, config)] : [])];
          const { code, stdout, stderr } = await inProcess(args, { cwd });
          assert.notEqual(code, 2, `${spelled} from ${cwd}: ${stderr}`);
          const report = JSON.parse(stdout) as Report;
          assert.equal(report.directories[0]?.path, spelled, 'the folder is shown as the user typed it');
          return { spelled, code, verdict: verdict(stdout, cwd, spelled) };
        }),
      );
      const [first] = runs;
      assert.ok(first!.verdict.migrations!.length >= 1);
      for (const run of runs) {
        assert.equal(run.code, first!.code, run.spelled);
        assert.deepEqual(run.verdict, first!.verdict, run.spelled);
      }
    });
  }
});

test('the expected verdicts: the Prisma and Drizzle findings are found from every spelling', async () => {
  const prisma = await inProcess(['./concurrently-in-transaction', '--output', 'json'], {
    cwd: join(FIXTURES, 'prisma'),
  });
  assert.equal(prisma.code, 1, prisma.stderr);
  assert.deepEqual(
    (JSON.parse(prisma.stdout) as Report).findings.map((f) => f.check),
    ['transaction'],
  );
  const drizzle = await inProcess(['.', '--output', 'json'], { cwd: join(FIXTURES, 'drizzle/not-in-journal') });
  assert.equal((JSON.parse(drizzle.stdout) as Report).directories[0]?.format, 'drizzle');
  const found = (JSON.parse(drizzle.stdout) as Report).findings.map((f) => `${f.check} ${f.file}`);
  assert.deepEqual(found, ['naming 0001_lost_merge.sql']);
});
