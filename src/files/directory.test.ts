import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fsDirectory } from './directory.ts';

const FIXTURES = resolve(import.meta.dirname, '../../migrations-fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'mc-dir-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `fn` with the process in `cwd` (formats see paths as the user typed them, relative to it). */
async function inDir<T>(cwd: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

describe('a folder lists the same however its path is spelled', () => {
  for (const fixture of ['prisma/clean', 'drizzle/clean', 'custom/nested/migrations']) {
    test(fixture, async () => {
      const dir = join(FIXTURES, fixture);
      const parent = dirname(dir);
      const name = relative(parent, dir);
      const expected = await fsDirectory(dir).list();
      assert.ok(
        expected.some((f) => f.includes('/')),
        'the fixture has sub-folders',
      );
      const spellings: [string, string][] = [
        [parent, name],
        [parent, `./${name}`],
        [parent, `${name}/`],
        [parent, `./${name}/`],
        [join(FIXTURES, 'golang-migrate'), relative(join(FIXTURES, 'golang-migrate'), dir)],
        [dir, '.'],
        [dir, './'],
        [join(dir, '..'), `${dir}/`],
      ];
      for (const [cwd, spelled] of spellings) {
        const files = await inDir(cwd, () => fsDirectory(spelled).list());
        assert.deepEqual(files, expected, `${spelled} from ${cwd}`);
        const text = await inDir(cwd, () => fsDirectory(spelled).read(expected.at(-1)!));
        assert.ok(text.length > 0);
      }
    });
  }
});

/** A fresh folder holding `files` (name → text). */
function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(scratch, 'db-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe('entries that are not regular files', () => {
  test('a link to a file inside the folder is read as that file', async () => {
    const dir = folder({ 'shared/0001_a.up.sql': 'select 1;' });
    symlinkSync('shared/0001_a.up.sql', join(dir, '0001_a.up.sql'));
    const reader = fsDirectory(dir);
    assert.deepEqual(await reader.list(), ['0001_a.up.sql', 'shared/0001_a.up.sql']);
    assert.equal(await reader.read('0001_a.up.sql'), 'select 1;');
    assert.deepEqual(await reader.special!(), []);
  });

  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      'a link out of the folder',
      (d) => symlinkSync('/etc/passwd', join(d, '0001_x.up.sql')),
      /`[^`]*\/0001_x\.up\.sql` is a symbolic link to \/etc\/passwd, outside the migration folder: replace the link/,
    ],
    [
      'a dangling link',
      (d) => symlinkSync('gone.sql', join(d, '0001_x.up.sql')),
      /0001_x\.up\.sql` is a symbolic link to gone\.sql, which does not exist/,
    ],
    [
      'a link to a folder',
      (d) => (mkdirSync(join(d, 'sub')), symlinkSync('sub', join(d, '0001_x.up.sql'))),
      /0001_x\.up\.sql` is a symbolic link to a folder \(sub\): replace the link with what it points to/,
    ],
    [
      'an empty folder named like a migration',
      (d) => mkdirSync(join(d, '0001_x.up.sql')),
      /0001_x\.up\.sql` is an empty folder: remove it, or put the migration file in its place/,
    ],
    [
      'a FIFO',
      (d) => execFileSync('mkfifo', [join(d, '0001_x.up.sql')]),
      /0001_x\.up\.sql` is a FIFO \(named pipe\): remove it/,
    ],
  ];
  for (const [name, make, message] of cases) {
    test(`${name} stops the listing with a message naming it`, async () => {
      const dir = folder({ '0001_x.down.sql': 'select 1;' });
      make(dir);
      const reader = fsDirectory(dir);
      const stops = (e: Error) =>
        e.name === 'InputError' && message.test(e.message) && /only regular files/.test(e.message);
      await assert.rejects(reader.list(), stops);
      assert.deepEqual(
        (await reader.special!()).map((s) => s.file),
        ['0001_x.up.sql'],
      );
    });
  }

  test('a link, named anything, to a folder that holds it is a loop: the listing stops, naming it', async () => {
    const dir = folder({ '0001_x.up.sql': 'select 1;', 'sub/keep.txt': '' });
    symlinkSync('/', join(dir, 'everything'));
    symlinkSync('.', join(dir, 'sub', 'again'));
    symlinkSync('..', join(dir, 'up'));
    const reader = fsDirectory(dir);
    const message = /`[^`]*\/everything` is a symbolic link to \/, a folder that holds it \(a loop: .*\): remove/;
    await assert.rejects(reader.list(), (e: Error) => e.name === 'InputError' && message.test(e.message));
    assert.deepEqual(
      (await reader.special!()).map((s) => s.file),
      ['everything', 'sub/again', 'up'],
    );
    assert.match((await reader.special!())[1]!.kind, /^a symbolic link to \S+\/sub \(\.\), a folder that holds it/);
  });

  test('links to other folders, unrelated links and hidden entries are left alone, not walked', async () => {
    const dir = folder({ '0001_x.up.sql': 'select 1;', 'shared/0002_y.up.sql': 'select 2;' });
    const outside = folder({ 'index.md': '# docs', 'pkg/package.json': '{}' });
    symlinkSync(outside, join(dir, 'docs'));
    symlinkSync(join(outside, 'pkg'), join(dir, 'node_modules'));
    symlinkSync('shared', join(dir, 'current'));
    symlinkSync('/nowhere', join(dir, '.#0001_x.up.sql')); // an editor's lock file
    symlinkSync('../README.md', join(dir, 'README'));
    symlinkSync('self', join(dir, 'self'));
    const reader = fsDirectory(dir);
    assert.deepEqual(await reader.list(), ['0001_x.up.sql', 'shared/0002_y.up.sql']);
    assert.deepEqual(await reader.special!(), []);
  });
});

describe('file contents no migration tool could run', () => {
  test('a NUL byte: the file, the line and why', async () => {
    const dir = folder({ '1_a.up.sql': Buffer.from('select 1;\nselect \0;\n') });
    const message = /1_a\.up\.sql` contains a NUL byte \(0x00\) at line 2\. Postgres cannot take NUL/;
    await assert.rejects(fsDirectory(dir).read('1_a.up.sql'), message);
  });

  test('a psql meta-command: file:line and why', async () => {
    const dir = folder({ '1_a.up.sql': 'create table a ();\n\\i b.sql\n', 'notes.json': '{"x": "\\\\i"}' });
    const message = /1_a\.up\.sql:2 starts with the psql meta-command `\\i`\. .*server, which does not understand them/;
    await assert.rejects(fsDirectory(dir).read('1_a.up.sql'), message);
    assert.equal(await fsDirectory(dir).read('notes.json'), '{"x": "\\\\i"}', 'only .sql files are SQL');
  });

  test('a FIFO named directly is refused, never opened', async () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'setup.sql')]);
    await assert.rejects(fsDirectory(dir).read('setup.sql'), /setup\.sql` is a FIFO \(named pipe\), not a regular/);
  });
});
