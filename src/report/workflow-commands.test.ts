import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neutraliseCommands, neutraliseJson } from './workflow-commands.ts';

test('a line the runner would read as a command is shown escaped instead', () => {
  assert.equal(neutraliseCommands('::add-mask::x'), '\\::add-mask::x');
  const blanks = 'leading blanks are trimmed by the runner';
  assert.equal(neutraliseCommands('ok\n  \t::warning::pwned\n'), 'ok\n  \t\\::warning::pwned\n', blanks);
  const cr = 'a lone CR ends a line too';
  assert.equal(neutraliseCommands('a\r::stop-commands::t\r\nb'), 'a\r\\::stop-commands::t\r\nb', cr);
  assert.equal(neutraliseCommands('\u00a0\u0085::error::x'), '\u00a0\u0085\\::error::x');
  const legacy = 'the legacy syntax, anywhere';
  assert.equal(neutraliseCommands('name 0001_##[add-mask]x.sql'), 'name 0001_##\\[add-mask]x.sql', legacy);
  assert.equal(neutraliseCommands('a :: b\nc::d'), 'a :: b\nc::d', 'text that is not a command is left alone');
});

test('JSON keeps its data: ##[ is written with an escape JSON.parse reads back', () => {
  const json = JSON.stringify({ file: '0001_##[add-mask]x.sql' });
  assert.equal(neutraliseJson(json), '{"file":"0001_##\\u005badd-mask]x.sql"}');
  assert.deepEqual(JSON.parse(neutraliseJson(json)), { file: '0001_##[add-mask]x.sql' });
});
