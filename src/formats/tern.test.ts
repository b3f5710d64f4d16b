import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { detectFormat } from './index.ts';
import { tern } from './tern.ts';

const file = (t: string) =>
  `create table ${t}(id serial primary key);\n\n---- create above / drop below ----\n\ndrop table ${t};\n`;

formatConformance(tern, {
  files: {
    '10_j.sql': file('j'),
    ...Object.fromEntries([...Array(9)].map((_, i) => [`${i + 1}_t.sql`, file(`t${i}`)])),
  },
  order: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
});

test('tern: detected by its separator, and not taken for plain files', async () => {
  assert.equal((await detectFormat(memoryDirectory('db', { '001_a.sql': file('a') }))).id, 'tern');
});

test('tern: each section is trimmed and sent as one query in a transaction; disable-tx splits it', async () => {
  const set = await tern.load(
    memoryDirectory('db', {
      '001_a.sql': file('a'),
      '002_b.sql': '---- tern: disable-tx ----\ncreate index concurrently i on a (id);\nselect 1;\n',
    }),
  );
  const [a, b] = set.migrations;
  assert.deepEqual(a!.up!.units, [{ sql: 'create table a(id serial primary key);', line: 1, column: 1 }]);
  assert.deepEqual(
    [a!.down!.units[0]!.sql, a!.down!.units[0]!.line, a!.up!.transaction],
    ['drop table a;', 5, 'wrapped'],
  );
  assert.equal(b!.up!.transaction, 'none');
  assert.equal(b!.up!.units.length, 2);
  assert.equal(b!.down, null);
  assert.match(set.bookkeeping, /public\.schema_version\(version int4 not null primary key\)/);
});
