import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envsub } from './goose-envsub.ts';
import { parseGoose } from './goose-parse.ts';

// goose's ENVSUB tests (github.com/pressly/goose internal/sqlparser/parser_test.go TestEnvsub,
// TestEnvsubError, testdata/envsub/) and the interpolate cases behind them
// (github.com/mfridman/interpolate interpolate_test.go).

const env = (values: Record<string, string>) => new Map(Object.entries(values));
const GOOSE_ENV = env({ GOOSE_ENV_REGION: 'us_east_', GOOSE_ENV_SET_BUT_EMPTY_VALUE: '', GOOSE_ENV_NAME: 'foo' });
const statements = (text: string, direction: 'up' | 'down') => {
  const parsed = parseGoose(text, direction, GOOSE_ENV);
  assert.equal(parsed.error, undefined, parsed.error?.message);
  return parsed.statements.map((s) => s.sql);
};

test('goose parser_test.go TestEnvsub test01: ENVSUB ON before Up covers both directions', () => {
  const text =
    '-- +goose ENVSUB ON\n-- +goose Up\nCREATE TABLE ${GOOSE_ENV_REGION}post (\n\t\tid int NOT NULL\n' +
    ');    -- 1st stmt\n\n' +
    '-- comment\nSELECT 2;           -- 2nd stmt\n\n-- +goose Down\n-- comment\n' +
    'DROP TABLE ${GOOSE_ENV_REGION}post;    -- 1st stmt\n';
  assert.deepEqual(statements(text, 'up'), [
    'CREATE TABLE us_east_post (\n\t\tid int NOT NULL\n);    -- 1st stmt',
    'SELECT 2;           -- 2nd stmt',
  ]);
  assert.deepEqual(statements(text, 'down'), ['DROP TABLE us_east_post;    -- 1st stmt']);
});

test('goose parser_test.go TestEnvsub test02: only lines between ON and OFF, every form, also inside a block', () => {
  const columns =
    '\t$GOOSE_ENV_NAME text,\n\t${GOOSE_ENV_NAME}title3 text,\n\t${ANOTHER_VAR:-default}title4 text,\n' +
    '\t${GOOSE_ENV_SET_BUT_EMPTY_VALUE-default}title5 text\n);';
  const text =
    `-- +goose Up\n\n-- +goose ENVSUB ON\nCREATE TABLE post (\n${columns}\n-- +goose ENVSUB OFF\n\n` +
    `CREATE TABLE post (\n${columns}\n\n` +
    '-- +goose StatementBegin\nCREATE OR REPLACE FUNCTION test_func()\nRETURNS void AS $$\n-- +goose ENVSUB ON\n' +
    'BEGIN\n' +
    "\tRAISE NOTICE '${GOOSE_ENV_NAME} \\$GOOSE_ENV_NAME \\$GOOSE_ENV_NAME';\nEND;\n-- +goose ENVSUB OFF\n" +
    '$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n';
  assert.deepEqual(statements(text, 'up'), [
    'CREATE TABLE post (\n\tfoo text,\n\tfootitle3 text,\n\tdefaulttitle4 text,\n\ttitle5 text\n);',
    `CREATE TABLE post (\n${columns}`,
    'CREATE OR REPLACE FUNCTION test_func()\nRETURNS void AS $$\nBEGIN\n' +
      "\tRAISE NOTICE 'foo $GOOSE_ENV_NAME $GOOSE_ENV_NAME';\nEND;\n$$ LANGUAGE plpgsql;",
  ]);
  assert.deepEqual(statements(text, 'down'), []);
});

test('goose parser_test.go TestEnvsub test03: without ENVSUB nothing is substituted', () => {
  const text =
    '-- +goose Up\nCREATE TABLE post (\n\t$NAME text,\n\t${NAME}title3 text,\n' +
    '\t${ANOTHER_VAR:-default}title4 text\n);\n';
  assert.deepEqual(statements(text, 'up'), [
    'CREATE TABLE post (\n\t$NAME text,\n\t${NAME}title3 text,\n\t${ANOTHER_VAR:-default}title4 text\n);',
  ]);
});

test('goose parser_test.go TestEnvsubError: a required variable that is unset refuses the file', () => {
  const text =
    '\n-- +goose ENVSUB ON\n-- +goose Up\nCREATE TABLE post (\n' +
    '\t${SOME_UNSET_VAR?required env var not set} text\n);\n';
  const error = parseGoose(text, 'up').error!;
  assert.equal(error.line, 5);
  assert.match(error.message, /^variable substitution failed: \$SOME_UNSET_VAR: required env var not set:/);
});

test('goose ENVSUB: names taken while unset are reported with their first line; defaults are not', () => {
  const text = "-- +goose ENVSUB ON\n-- +goose Up\nselect '${A}', '${B:-b}';\nselect '$A$C';\n";
  assert.deepEqual(
    [...parseGoose(text, 'up').unset],
    [
      ['A', 3],
      ['C', 4],
    ],
  );
});

const TEST4 = 'Only one level of $TEST3 interpolation';
const TEST_ENV = env({ TEST1: 'A test', TEST2: 'Another', TEST3: 'Llamas', TEST4 });
const COMMIT = env({ BUILDKITE_COMMIT: '1adf998e39f647b4b25842f107c6ed9d30a3a7c7' });
const DAYS = env({ DAY: 'Blarghday', EMPTY_DAY: '' });
const cases: [string, Map<string, string>, string, string][] = [
  ['TestBasicInterpolation', TEST_ENV, '$TEST1, $TEST2, $TEST3', 'A test, Another, Llamas'],
  ['TestBasicInterpolation', TEST_ENV, '$Test1, $Test2, $TeST3', ', , '],
  ['TestBasicInterpolation', TEST_ENV, 'my$TEST1', 'myA test'],
  ['TestBasicInterpolation', TEST_ENV, '${TEST4}', 'Only one level of $TEST3 interpolation'],
  [
    'TestNestedInterpolation',
    TEST_ENV,
    '${TEST5:-Some text ${TEST2:-$TEST1} with $TEST3}',
    'Some text Another with Llamas',
  ],
  ['TestIgnoresParentheses', new Map(), 'testing $(echo hello world)', 'testing $(echo hello world)'],
  ['TestMissingParameterValuesReturnEmptyStrings', new Map(), '${BUILDKITE_COMMIT:7:14}', ''],
  ['TestSubstringsWithOffsets', COMMIT, '${BUILDKITE_COMMIT: -7}', '0a3a7c7'],
  ['TestSubstringsWithOffsets', COMMIT, '${BUILDKITE_COMMIT:7:-7}', 'e39f647b4b25842f107c6ed9d3'],
  ['TestSubstringsWithOffsets', COMMIT, '${BUILDKITE_COMMIT:0:-128}', ''],
  [
    'TestInterpolateIsntGreedy',
    env({ BUILDKITE_COMMIT: 'c', BUILDKITE_PARALLEL_JOB: '456' }),
    'test_$BUILDKITE_COMMIT_$BUILDKITE_PARALLEL_JOB',
    'test_456',
  ],
  ['TestDefaultValues', DAYS, 'Today is ${DAY-Wednesday}', 'Today is Blarghday'],
  ['TestDefaultValues', DAYS, 'Today is ${EMPTY_DAY-Wednesday}', 'Today is '],
  ['TestDefaultValues', DAYS, '${EMPTY_DAY:--:{}}', '-:{}'],
  ['TestEscapingVariables', new Map(), 'Do this $${SUCH_ESCAPE}', 'Do this ${SUCH_ESCAPE}'],
  ['TestEscapingVariables', new Map(), 'Do this \\$ESCAPE_PARTY', 'Do this $ESCAPE_PARTY'],
];
for (const [name, values, input, expected] of cases) {
  test(`interpolate interpolate_test.go ${name} ${JSON.stringify(input)}`, () =>
    assert.equal(envsub(input, values).text, expected));
}

const errors: [string, string, RegExp][] = [
  ['TestVariablesMustStartWithLetters', '$1 burgers', /Expected identifier to start with a letter, got 1/],
  ['TestVariablesMustStartWithLetters', '$99bottles', /Expected identifier to start with a letter, got 9/],
  ['TestRequiredVariables', 'Hello ${REQUIRED_VAR?}', /^\$REQUIRED_VAR: not set$/],
  ['TestRequiredVariables', 'Hello ${REQUIRED_VAR?y u no set me? :-{}', /^\$REQUIRED_VAR: y u no set me\? :-\{$/],
];
for (const [name, input, message] of errors) {
  test(`interpolate interpolate_test.go ${name} ${JSON.stringify(input)}`, () =>
    assert.throws(() => envsub(input, new Map()), { message }));
}
