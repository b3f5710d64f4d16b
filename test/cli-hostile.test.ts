import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli } from './helpers.ts';

// Migration files are untrusted: their names and the objects they create reach the log.
const dir = mkdtempSync(join(tmpdir(), 'mc-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  '0001_users.up.sql': 'CREATE TABLE "t\n::warning::pwned-by-object" (id int);\n',
  '0001_users.down.sql': 'SELECT 1;\n', // leaves the table behind: a finding that names it
  '0002_x\n::add-mask::secret.up.sql': 'SELECT 1;\n',
  '0003_\x1b]0;pwned\x07\x1b[2J\rtitle.up.sql': 'SELECT 1;\n',
  '0004_##[add-mask]legacy.up.sql': 'SELECT 1;\n',
  '0005_a\r::stop-commands::tok.up.sql': 'SELECT 1;\n',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

const REGISTERED = [
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
];

/** The workflow commands a GitHub runner would execute from this output (both syntaxes). */
function runnerCommands(output: string): string[] {
  const commands: string[] = [];
  for (const line of output.split(/\r\n|\r|\n/)) {
    const trimmed = line.replace(/^[\s\u0085]+/, '');
    const v2 = /^::([^\s:]+)[^:]*::/.exec(trimmed);
    if (v2) commands.push(trimmed);
    else {
      const v1 = /##\[([^\s\]]+)[^\]]*\]/.exec(line);
      if (v1 && REGISTERED.includes(v1[1]!)) commands.push(`##[${v1[1]}]`);
    }
  }
  return commands;
}

test('--output github: names and objects cannot issue workflow commands; only annotations are commands', async () => {
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const { code, stdout, stderr } = await cli([dir, '--output', 'github', '--format', 'golang-migrate'], {
    env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' },
  });
  assert.equal(code, 1, stderr);
  const commands = runnerCommands(stdout + '\n' + stderr);
  assert.ok(commands.length > 0, 'the findings are annotated');
  const ours = /^::(error|warning|notice) [^:]*title=migrate-check[^:]*::/;
  for (const command of commands) assert.match(command, ours, command);
  assert.match(stdout, /\\::warning::pwned-by-object/, 'the object name is shown, neutralised');
  assert.match(stdout, /##\\\[add-mask\]legacy/);
  assert.match(readFileSync(summary, 'utf8'), /migrate-check/);
});

test('text output: control characters and escape sequences in names are shown, never sent raw', async () => {
  for (const color of ['--no-color', '--color']) {
    const { stdout, stderr } = await cli([dir, '--format', 'golang-migrate', color], { env: { GITHUB_ACTIONS: '' } });
    const output = stdout + stderr;
    // Only our own colour codes (ESC [ n m) may remain, and only with --color.
    const escapes = output.match(/\x1b(\[[0-9;]*m)?/g) ?? [];
    assert.ok(
      escapes.every((e) => e.length > 1),
      `a raw ESC that is not a colour code (${color})`,
    );
    if (color === '--no-color') assert.deepEqual(escapes, []);
    assert.doesNotMatch(output, /[\x07\r]|\x1b\]|\x1b\[2J/);
    assert.ok(output.includes('0003_\\x1B]0;pwned\\x07\\x1B[2J\\rtitle.up.sql'), output);
    assert.ok(output.includes('0002_x\\n::add-mask::secret.up.sql'), output);
  }
});
