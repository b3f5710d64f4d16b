import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { inputDeclarations, readInputs } from './action-inputs.ts';
import { helpText, parseArgv, spell } from './cli-args.ts';
import { givenSettings, resolveConfig, settingsFor, type Shell } from './config.ts';
import { DEFAULTS, flagName, SETTING_LIST } from './settings.ts';

const ROOT = join(import.meta.dirname, '..');

test(
  "action.yml's inputs are the settings table's: names, " +
    'descriptions, defaults (node scripts/action-yml.ts writes them)',
  () => {
    const declared = (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: unknown }).inputs;
    assert.deepEqual(
      declared,
      inputDeclarations(),
      'run `node scripts/action-yml.ts` after changing an input in src/settings.ts',
    );
  },
);

test('an input that is also a config file setting defaults to empty, so that the config file decides', () => {
  const inputs = inputDeclarations();
  for (const s of SETTING_LIST.filter((x) => x.input && x.file)) {
    assert.ok(inputs[s.name]!.required || inputs[s.name]!.default === '', s.name);
  }
  assert.deepEqual(
    readInputs((name) => ({ format: 'goose', 'fail-on': '' })[name] ?? ''),
    { format: 'goose' },
  );
});

test('every setting has a kebab-case name, one flag spelling and a one-line doc; --help lists every flag', () => {
  const help = helpText();
  const spellings = SETTING_LIST.filter((s) => s.flag).map(flagName);
  assert.equal(new Set(spellings).size, spellings.length);
  assert.equal(new Set(SETTING_LIST.map((s) => s.name)).size, SETTING_LIST.length);
  for (const s of SETTING_LIST) {
    assert.match(s.name, /^[a-z]+(-[a-z]+)*$/);
    assert.match(s.doc, /^[^\n]{10,130}\.$/, `${s.name}: one line, ending with a full stop`);
    if (s.flag) assert.match(help, new RegExp(`--(\\[no-\\]|no-)?${flagName(s)}\\b`), s.name);
  }
});

test('flags: switches take --no-<name>, lists and name=value pairs repeat, the directories are the arguments', () => {
  const { given } = parseArgv([
    'db',
    'lib',
    '--no-same-database',
    '-q',
    '--prerequisites',
    'a.sql',
    '--prerequisites',
    'b.sql',
    '--setting',
    'a.b=1',
  ]);
  assert.deepEqual(given, {
    path: ['db', 'lib'],
    'same-database': false,
    quiet: true,
    prerequisites: ['a.sql', 'b.sql'],
    settings: ['a.b=1'],
  });
  const { settings, options } = givenSettings(given, { where: 'command line', spell });
  assert.deepEqual(settings, {
    paths: ['db', 'lib'],
    sameDatabase: false,
    prerequisites: ['a.sql', 'b.sql'],
    settings: { 'a.b': '1' },
  });
  assert.equal(options.quiet, true);
  assert.equal(parseArgv(['db', '--same-database']).given['same-database'], true);
  assert.throws(() => parseArgv(['--no-format', 'goose']), /Unknown option --no-format; did you mean --format\?/);
  assert.throws(
    () => givenSettings({ comment: 'yes' }, { where: 'action inputs', spell: (n) => `the \`${n}\` input` }),
    /the `comment` input is "yes"; it must be true or false/,
  );
});

test('resolveConfig: given over the config file over the environment over the defaults; mappings combine', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mc-settings-'));
  try {
    const file = {
      path: ['db'],
      'fail-on': 'warning',
      roundtrip: 'all',
      settings: { 'app.a': 'file', 'app.b': 'file' },
      'database-url': 'postgres://file@h/p',
      directories: { db: { format: 'goose', settings: { 'app.b': 'dir' } } },
    };
    writeFileSync(join(cwd, 'migrate-check.json'), JSON.stringify(file));
    const shell: Shell = {
      where: 'command line',
      spell,
      noPath: 'no path',
      cwd,
      env: { DATABASE_URL: 'postgres://env@h/p' },
    };
    const given = givenSettings({ 'fail-on': 'never', settings: ['app.a=flag'] }, shell);
    const config = await resolveConfig(given, shell);
    assert.equal(config.failOn, 'never', 'the flag');
    assert.equal(config.roundtrip, 'all', 'the file');
    assert.equal(config.lockTimeoutMs, DEFAULTS.lockTimeoutMs, 'the default');
    assert.equal(config.databaseUrl, 'postgres://file@h/p', "the file's database-url over DATABASE_URL");
    assert.equal(config.database, 'url', 'url, as a database URL is set');
    assert.deepEqual(config.settings, { 'app.a': 'flag', 'app.b': 'file' });
    const db = settingsFor(config, './db/');
    assert.equal(db.format, 'goose');
    assert.deepEqual(db.settings, { 'app.a': 'flag', 'app.b': 'dir' });
    const empty = { ...shell, cwd: join(cwd, 'empty'), env: {} };
    mkdirSync(empty.cwd);
    await assert.rejects(resolveConfig(givenSettings({}, shell), empty), /^ConfigError: no path$/);
    const none = await resolveConfig(givenSettings({ path: 'db' }, shell), {
      ...empty,
      fallbackDatabase: async () => 'container',
    });
    assert.equal(none.database, 'container', "the shell's fallback when neither a database nor a URL is set");
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
