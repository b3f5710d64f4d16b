import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlasSum, entry, parseSum, renderSum, total } from './sum.ts';

test('atlas.sum: the hashes Atlas itself writes for one and for two migrations', () => {
  const one = atlasSum([{ name: '1_initial.sql', content: 'CREATE TABLE t (id INT);\n' }]);
  assert.deepEqual(one, {
    total: 'h1:RwlBQllTgRiQ5aUj9/rR1G0CguPI2caCrrSf7y+LbzA=',
    files: [{ name: '1_initial.sql', hash: 'h1:7PYyx3jJKyr9v/6Ta0xuXTz4HqAKDLjXxLWjRtnDhWA=' }],
  });
  const two = atlasSum([
    { name: '1_initial.sql', content: 'CREATE TABLE t (id INT);\n' },
    { name: '2_second.sql', content: 'CREATE TABLE u (id INT);\n' },
  ]);
  assert.equal(two.total, 'h1:+34914C9ncHjtpQsy5S8WcVKs661cvqzMlPhZ7LbT0E=');
  assert.equal(two.files[1]!.hash, 'h1:ZwOkl2cGwIRo6FFePelI6LT91EmqcXgP9/b9YOhfahg=');
});

test('migrate-check.sum: renders and parses back; the total changes with any addition or reordering', () => {
  const entries = [entry('1_a.up.sql', 'select 1;\r\n'), entry('1_a.down.sql', 'select 2;\n')];
  const parsed = parseSum(renderSum(entries));
  assert.deepEqual(parsed, { total: total(entries), entries, bad: [] });
  assert.notEqual(total(entries), total([...entries].reverse()));
  assert.notEqual(total(entries), total([...entries, entry('2_b.up.sql', '')]));
  // The text hash ignores line endings: a CRLF → LF change is told apart from an edit.
  assert.equal(entry('x', 'select 1;\r\n').text, entry('x', 'select 1;\n').text);
  assert.deepEqual(parseSum('<<<<<<< HEAD\n').bad, [{ line: 1, text: '<<<<<<< HEAD' }]);
});
