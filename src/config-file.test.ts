import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nearestKey } from './config-file.ts';
import { kindOf, MAX_TIMEOUT_MS, parseTimeout, text, textList } from './setting-values.ts';
import { parseSettings, readConfigFile } from './config.ts';

test('nearestKey: separators and case are spelling, small typos are near, far words are not', () => {
  const known = ['fail-on', 'output', 'down-reverts-up', 'sql-error'];
  assert.equal(nearestKey('fail_on', known), 'fail-on');
  assert.equal(nearestKey('failOn', known), 'fail-on');
  assert.equal(nearestKey('outptu', known), 'output');
  assert.equal(nearestKey('down_reverts_up', known), 'down-reverts-up');
  assert.equal(nearestKey('sql-eror', known), 'sql-error');
  assert.equal(nearestKey('frobnicate', known), null);
});

test('kindOf names what a value is', () => {
  assert.equal(kindOf(5), 'a number (5)');
  assert.equal(kindOf([]), 'an empty list');
  assert.equal(kindOf(['x']), 'a list');
  assert.equal(kindOf({}), 'a mapping');
  assert.equal(kindOf(true), 'true');
  assert.equal(kindOf(null), 'null');
  assert.equal(kindOf('x'), 'the text "x"');
});

test('text and textList take strings only, and never an empty one', () => {
  assert.equal(text(' a ', 'k', 'here', 'e'), 'a');
  assert.throws(() => text(5, 'k', 'here', 'e'), /here: `k` is a number \(5\); it must be a string, e\.g\. e\./);
  assert.throws(() => text('', 'k', 'here', 'e'), /here: `k` is empty/);
  assert.deepEqual(textList('a\n\n b \n', 'k', 'here', 'e'), ['a', 'b']);
  assert.deepEqual(textList([' a', 'b'], 'k', 'here', 'e'), ['a', 'b']);
  assert.deepEqual(textList([], 'k', 'here', 'e'), []);
  assert.throws(() => textList({ a: 1 }, 'k', 'here', 'e'), /`k` is a mapping; it must be a string or a list/);
  assert.throws(() => textList(['a', [1]], 'k', 'here', 'e'), /`k` entry 2 is a list; each entry must be a string/);
  assert.throws(() => textList([''], 'k', 'here', 'e'), /`k` has an empty entry/);
});

test('parseTimeout: 0 (no limit), below the minimum and above INT_MAX ms are refused with the range', () => {
  assert.equal(parseTimeout('30s', 't', 'here', 1, '1min'), 30_000);
  assert.equal(parseTimeout(MAX_TIMEOUT_MS, 't', 'here', 1, '1min'), MAX_TIMEOUT_MS);
  assert.throws(() => parseTimeout('0', 't', 'here', 1, '1min'), /reads as no limit at all/);
  assert.throws(() => parseTimeout('0.2ms', 't', 'here', 1, '1min'), /reads as no limit at all/);
  assert.throws(() => parseTimeout('50ms', 't', 'here', 100, '5min'), /cancelled before it could finish/);
  const tooLong = /longer than Postgres accepts: 100ms to 2147483647ms/;
  assert.throws(() => parseTimeout('99999999h', 't', 'here', 100, '5min'), tooLong);
  assert.throws(() => parseTimeout([], 't', 'here', 1, '1min'), /`t` is an empty list; write a duration/);
});

test('parseSettings: wrong types name the key, the value and what it must be', () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ path: { a: 1 } }, /`path` is a mapping/],
    [{ 'database-url': ['postgres://a@b/c'] }, /`database-url` is a list; it must be a string/],
    [{ 'postgres-image': { a: 1 } }, /`postgres-image` is a mapping/],
    [{ 'postgres-bin': [] }, /`postgres-bin` is an empty list/],
    [{ 'output-file': true }, /`output-file` is true/],
    [{ base: {} }, /`base` is a mapping/],
    [{ 'search-path': {} }, /`search-path` is a mapping/],
    [{ 'postgres-version': '0x11' }, /`postgres-version` is the text "0x11"/],
    [{ 'postgres-version': 17.5 }, /`postgres-version` is a number \(17\.5\)/],
    [{ settings: { Statement_Timeout: '0' } }, /`Statement_Timeout` is migrate-check's own statement timeout/],
    [{ settings: { lock_timeout: '1s' } }, /set it with `lock-timeout` \(--lock-timeout\)/],
    [{ 'naming-conventions': { snake_case: true } }, /`naming-conventions\.snake_case`.*mean `[\w.-]+snake-case`/],
    [{ checks: { 'sql-eror': 'off' } }, /unknown check `sql-eror` under `checks`; did you mean `sql-error`/],
    [{ directories: { db: { 'fail-on': 'never' } } }, /`fail-on` cannot be set per directory.*the top level/],
  ];
  for (const [raw, message] of refused) {
    assert.throws(() => parseSettings(raw, 'c.json'), message, JSON.stringify(raw));
  }
  assert.deepEqual(parseSettings({ 'postgres-version': ' 16 ', 'search-path': ['app', 'public'] }, 'c.json'), {
    postgresVersion: [16],
    searchPath: 'app, public',
  });
  assert.deepEqual(parseSettings({ settings: { idle_in_transaction_session_timeout: '1min' } }, 'c.json'), {
    settings: { idle_in_transaction_session_timeout: '1min' },
  });
});

test('readConfigFile: an empty YAML file is an empty config; empty JSON and a dangling link are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-config-'));
  try {
    writeFileSync(join(dir, 'empty.yml'), '\n');
    assert.deepEqual(await readConfigFile(dir, 'empty.yml'), {});
    writeFileSync(join(dir, 'empty.json'), '');
    await assert.rejects(readConfigFile(dir, 'empty.json'), /empty\.json is empty, which is not valid JSON\. Write \{/);
    writeFileSync(join(dir, 'latin1.yml'), Buffer.from('format: goose\nrole: caf\xe9\n', 'latin1'));
    await assert.rejects(readConfigFile(dir, 'latin1.yml'), /`latin1\.yml` is not valid UTF-8 \(line 2\)/);
    symlinkSync('gone.yml', join(dir, 'migrate-check.yml'));
    const dangling = /migrate-check\.yml in this folder is a symbolic link to `gone\.yml`, which does not exist/;
    await assert.rejects(readConfigFile(dir), dangling);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
