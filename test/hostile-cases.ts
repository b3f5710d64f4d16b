/**
 * The hostile-input case table: migrations, names, encodings and configs are untrusted input.
 * Each row builds a temp directory (`root`, the working directory of the run; migrations
 * conventionally in `root/db`), runs the CLI with `args` and `env`, and states the exit code
 * and a message naming the problem. Adding a case is one line in one of the tables below.
 *
 * Placeholders in args: `{root}` the case folder, `{db}` its `db` folder (absolute).
 * Unless a case names a database (`--database…`) or says `db: 'embedded'`, it runs against the
 * shared test server as an ordinary CREATEDB role (`--database-url`), which keeps 200+ runs fast.
 */
import { Buffer } from 'node:buffer';

export type Category = 'names' | 'contents' | 'links' | 'configs' | 'flags' | 'environment';

/** A file's content, or a special file the case wants at that path. */
export type Entry =
  | string
  | Uint8Array
  | { symlink: string }
  | { dir: true }
  | { fifo: true }
  | { text: string; mode: number };

export interface HostileCase {
  category: Category;
  name: string;
  /** Paths relative to the case folder; a `latin1:` prefix makes the path raw bytes (names that are not UTF-8). */
  files: Record<string, Entry>;
  args: string[];
  env?: Record<string, string>;
  /** Allowed exit codes. */
  exit: number | number[];
  /** Every one must match stdout + stderr. */
  says: RegExp[];
  /** None may match stdout + stderr. */
  saysNot?: RegExp[];
  /** Spawn dist/cli.cjs (a real process: blocking opens, the process environment, timeouts). */
  spawn?: boolean;
  /** `embedded`: let the CLI start its own server; `none`: pass no database flag. Default: the shared url. */
  db?: 'embedded' | 'none';
  timeoutMs?: number;
  /** A reason the case cannot run here, or false. */
  skip?: () => string | false;
  /** Extra assertions on the result. */
  check?: (result: { code: number | null; stdout: string; stderr: string; root: string }) => void;
}

const re = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const NO_STACK = /^\s+at \S/m;

const pair = (
  name: string,
  up: string | Uint8Array = 'CREATE TABLE t (id int);\n',
  down: string | Uint8Array = 'SELECT 1;\n',
): Record<string, Entry> => ({ [`db/${name}.up.sql`]: up, [`db/${name}.down.sql`]: down });
const CLEAN_PAIR = pair('0100_ok', 'CREATE TABLE ok (id int);\n', 'DROP TABLE ok;\n');
const SAFE = /Migrations are safe to merge/;
/** `fail-on: never` read: findings listed, still exit 0. */
const BELOW = /safe to merge \(\d+ errors? below/;

// ───────────────────────────── names ─────────────────────────────
// Each hostile name is the middle of `0001_pre<X>post`; the up creates a table its down leaves
// behind, so the report must name the file. Control characters may instead be refused (exit 2),
// but either way the name is shown escaped on one line, and never as raw control bytes.
const hostileNames: [label: string, infix: string, control: boolean][] = [
  ['newline', '\n', true],
  ['carriage return', '\r', true],
  ['CRLF', '\r\n', true],
  ['tab', '\t', true],
  ['ESC colour sequence', '\x1b[31m', true],
  ['ESC clear screen', '\x1b[2J\x1b[H', true],
  ['OSC 8 hyperlink', '\x1b]8;;https:evil.example\x1b\\click\x1b]8;;\x1b\\', true],
  ['OSC window title with BEL', '\x1b]0;pwned\x07', true],
  ['BEL', '\x07', true],
  ['backspace', 'xx\x08\x08', true],
  ['SOH (NUL-adjacent)', '\x01', true],
  ['unit separator 0x1f', '\x1f', true],
  ['DEL 0x7f', '\x7f', true],
  ['C1 CSI U+009B', '\u009b31m', true],
  ['newline + workflow command', '\n::add-mask::x\n', true],
  ['newline + ::error', '\n::error file=etc.passwd::owned\n', true],
  ['space', ' with space ', false],
  ['RTL override U+202E', '\u202egnp.exe', false],
  ['emoji', '🚀💥', false],
  ['combining marks', 'e\u0301\u0308\u20dd', false],
  ['percent', '100%25done%0A', false],
  ['double colon', '::set-output name=x::y', false],
  ['backticks and pipes (markdown)', '`x`|y|*z*', false],
  ['html', '<img src=x onerror=alert(1)>', false],
  ['leading dash in name', '-rf', false],
  ['shell metacharacters', '$(touch pwned);`id`', false],
];

/** Names also checked in JSON, where the report must keep them byte for byte (a few: each run costs a database). */
const JSON_TOO = new Set([
  'newline',
  'ESC colour sequence',
  'newline + workflow command',
  'RTL override U+202E',
  'emoji',
  'percent',
]);
const nameCases: HostileCase[] = [];
for (const [label, infix, control] of hostileNames) {
  const name = `0001_pre${infix}post`;
  // A well-named migration beside it, so the folder is recognised whatever the runner makes of the name.
  const files = { ...CLEAN_PAIR, ...pair(name) };
  const named = /pre[^\n]{0,80}post\.(up|down)\.sql/;
  const exit = control ? [1, 2] : 1;
  const bidi = label.startsWith('RTL');
  nameCases.push(
    {
      category: 'names',
      name: `${label} (text)`,
      files,
      args: ['{db}', '--no-color', '--fail-on', 'warning'],
      env: { NO_COLOR: '1' },
      exit,
      says: [named],
      ...(bidi ? { saysNot: [/[\u202a-\u202e\u2066-\u2069]/] } : {}),
    },
    {
      category: 'names',
      name: `${label} (github)`,
      files,
      args: ['{db}', '--output', 'github', '--fail-on', 'warning'],
      env: { GITHUB_STEP_SUMMARY: '{root}/summary.md' },
      exit,
      says: [named],
    },
    ...(!JSON_TOO.has(label)
      ? []
      : [
          {
            category: 'names',
            name: `${label} (json keeps the exact name)`,
            files,
            args: ['{db}', '--output', 'json', '--fail-on', 'warning'],
            exit,
            says: [control ? /pre.{0,80}post|"findings"/s : /"findings"/],
            check: ({ code, stdout, root }) => {
              if (code === 2) return;
              const report = JSON.parse(stdout) as { findings: { file?: string | null }[] };
              const want = [`${root}/db/${name}.up.sql`, `${root}/db/${name}.down.sql`];
              if (!report.findings.some((f) => want.includes(f.file ?? '')))
                throw new Error(
                  `no finding names ${JSON.stringify(want)}: ${JSON.stringify(report.findings.map((f) => f.file))}`,
                );
            },
          } satisfies HostileCase,
        ]),
  );
}
const longStem = (unit: string, bytes: number) => unit.repeat(Math.floor(bytes / Buffer.byteLength(unit)));
nameCases.push(
  {
    category: 'names',
    name: '255-byte name (ASCII)',
    files: pair(`0001_${longStem('a', 255 - 5 - '.down.sql'.length)}`),
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_a{20}/],
  },
  {
    category: 'names',
    name: '255-byte name (2-byte UTF-8)',
    files: pair(`0001_${longStem('é', 255 - 5 - '.down.sql'.length)}`),
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_(é){10}/],
  },
  {
    category: 'names',
    name: '255-byte name (4-byte emoji)',
    files: pair(`0001_${longStem('🐘', 255 - 5 - '.down.sql'.length)}`),
    args: ['{db}', '--output', 'github', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_(🐘){10}/],
  },
  {
    category: 'names',
    name: 'wrong case 0001_X.UP.SQL',
    files: { ...CLEAN_PAIR, 'db/0001_X.UP.SQL': 'CREATE TABLE x ();\n', 'db/0001_X.DOWN.SQL': 'DROP TABLE x;\n' },
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_X\.UP\.SQL/, /naming/],
  },
  {
    category: 'names',
    name: 'mixed case 0001_x.Up.Sql',
    files: { ...CLEAN_PAIR, 'db/0001_x.Up.Sql': 'CREATE TABLE x ();\n' },
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_x\.Up\.Sql/, /naming/],
  },
  {
    category: 'names',
    name: 'editor leftover 0001_x.up.sql~',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql~': 'CREATE TABLE x ();\n' },
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_x\.up\.sql~/],
  },
  {
    category: 'names',
    name: 'leading dash -rf.up.sql beside a migration',
    files: { ...CLEAN_PAIR, 'db/-rf.up.sql': 'CREATE TABLE x ();\n' },
    args: ['{db}', '--fail-on', 'warning'],
    exit: [0, 1],
    says: [/0100_ok|-rf\.up\.sql/],
    check: ({ code, stdout, stderr }) => {
      if (code === 1 && !/-rf\.up\.sql/.test(stdout + stderr)) throw new Error('exit 1 without naming -rf.up.sql');
    },
  },
  {
    category: 'names',
    name: 'directory named -rf (after --)',
    files: pair('0001_x'),
    args: ['--fail-on', 'warning', '--', '{root}/-rf'],
    exit: 1,
    says: [/-rf\/0001_x\.down\.sql/],
  },
  {
    category: 'names',
    name: 'name not valid UTF-8 (0xff byte)',
    files: {
      ...CLEAN_PAIR,
      ['latin1:' +
        Buffer.concat([Buffer.from('db/0002_bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.up.sql')]).toString(
          'latin1',
        )]: 'CREATE TABLE y ();\n',
    },
    args: ['{db}', '--fail-on', 'warning'],
    exit: [1, 2],
    says: [/0002_bad/],
  },
);
// The `-rf` folder case puts its files under -rf/, not db/.
nameCases.find((c) => c.name.startsWith('directory named -rf'))!.files = Object.fromEntries(
  Object.entries(pair('0001_x')).map(([k, v]) => [k.replace(/^db\//, '-rf/'), v]),
);

// ───────────────────────────── encodings and contents ─────────────────────────────
const utf16 = (s: string, be: boolean) => {
  const le = Buffer.from(s, 'utf16le');
  if (be) for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
};
const META = [
  '\\i other.sql',
  '\\ir other.sql',
  '\\set x 1',
  '\\connect otherdb',
  '\\c otherdb',
  '\\gexec',
  '\\! rm -rf /',
  '\\copy t from /etc/passwd',
  '  \\i indented.sql',
];
/** A meta-command on line 2 of an up, per format: [format, files]. */
const metaLayouts: [string, (cmd: string) => Record<string, Entry>, string][] = [
  [
    'golang-migrate',
    (cmd) => pair('0001_a', `CREATE TABLE t (id int);\n${cmd}\n`, 'DROP TABLE t;\n'),
    '0001_a\\.up\\.sql:2',
  ],
  [
    'goose',
    (cmd) => ({ 'db/00001_a.sql': `-- +goose Up\n${cmd}\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n` }),
    '00001_a\\.sql:2',
  ],
  ['flyway', (cmd) => ({ 'db/V1__a.sql': `CREATE TABLE t (id int);\n${cmd}\n` }), 'V1__a\\.sql:2'],
];
const five = 5 * 1024 * 1024;
const contentCases: HostileCase[] = [
  {
    category: 'contents',
    name: 'invalid UTF-8',
    files: pair('0001_a', Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0xc3, 0x28, 0x3b])),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-8/, /line 1/],
  },
  {
    category: 'contents',
    name: 'overlong UTF-8 encoding of /',
    files: pair('0001_a', Buffer.from([0x2d, 0x2d, 0xc0, 0xaf, 0x0a])),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-8/],
  },
  {
    category: 'contents',
    name: 'lone surrogate (CESU) bytes',
    files: pair('0001_a', Buffer.from([0x2d, 0x2d, 0xed, 0xa0, 0x80, 0x0a])),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-8/],
  },
  {
    category: 'contents',
    name: 'UTF-16 LE with BOM',
    files: pair('0001_a', utf16('CREATE TABLE t (id int);\n', false), 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-16|not valid UTF-8/],
  },
  {
    category: 'contents',
    name: 'UTF-16 BE with BOM',
    files: pair('0001_a', utf16('CREATE TABLE t (id int);\n', true), 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-16|not valid UTF-8/],
  },
  {
    category: 'contents',
    name: 'UTF-16 LE without BOM (NUL bytes)',
    files: pair('0001_a', Buffer.from('CREATE TABLE t (id int);\n', 'utf16le'), 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /UTF-16|NUL/],
  },
  {
    category: 'contents',
    name: 'UTF-8 BOM is run like its tool runs it, not a crash',
    files: pair('0001_a', '\ufeffCREATE TABLE t (id int);\n', 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: [0, 1],
    says: [/0001_a\.up\.sql|safe to merge/],
  },
  {
    category: 'contents',
    name: 'NUL byte on line 3',
    files: pair('0001_a', "CREATE TABLE t (id int);\n-- x\nSELECT 'a\0b';\n", 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: 2,
    says: [/0001_a\.up\.sql/, /NUL|\\0|zero byte|0x00/i, /line 3|:3\b/],
  },
  {
    category: 'contents',
    name: 'NUL byte in a down (goose)',
    files: { 'db/00001_a.sql': '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\0\n' },
    args: ['{db}'],
    exit: 2,
    says: [/00001_a\.sql/, /NUL|\\0|zero byte|0x00/i, /line 4|:4\b/],
  },
  {
    category: 'contents',
    name: 'empty up and down',
    files: { ...CLEAN_PAIR, ...pair('0001_a', '', '') },
    args: ['{db}'],
    exit: [0, 1],
    says: [/0001_a|safe to merge/],
  },
  {
    category: 'contents',
    name: 'empty down is a warning naming it',
    files: pair('0001_a', 'CREATE TABLE t (id int);\n', ''),
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_a\.down\.sql/],
  },
  {
    category: 'contents',
    name: 'whitespace-only down',
    files: pair('0001_a', 'CREATE TABLE t (id int);\n', ' \n\t\n  \r\n'),
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_a\.down\.sql/],
  },
  {
    category: 'contents',
    name: 'comments-only down',
    files: pair('0001_a', 'CREATE TABLE t (id int);\n', '-- nothing\n/* to do */\n'),
    args: ['{db}', '--fail-on', 'warning'],
    exit: 1,
    says: [/0001_a\.down\.sql/],
  },
  {
    category: 'contents',
    name: '5 MB of line comments',
    files: pair(
      '0001_a',
      'CREATE TABLE t (id int);\n' +
        '-- a comment line that is long enough to add up to five megabytes\n'.repeat(five / 66),
      'DROP TABLE t;\n',
    ),
    args: ['{db}'],
    exit: 0,
    says: [SAFE],
    timeoutMs: 30_000,
  },
  {
    category: 'contents',
    name: '5 MB block comment',
    files: pair('0001_a', 'CREATE TABLE t (id int);\n/*' + 'x'.repeat(five) + '*/\n', 'DROP TABLE t;\n'),
    args: ['{db}'],
    exit: 0,
    says: [SAFE],
    timeoutMs: 30_000,
  },
  {
    category: 'contents',
    name: '5 MB one-line comment (goose splitter)',
    files: {
      'db/00001_a.sql':
        '-- +goose Up\nCREATE TABLE t (id int);\n--' + 'y'.repeat(five) + '\n-- +goose Down\nDROP TABLE t;\n',
    },
    args: ['{db}'],
    exit: 0,
    says: [SAFE],
    timeoutMs: 30_000,
  },
  {
    category: 'contents',
    name: '10,000 statements (golang-migrate, one query)',
    files: pair(
      '0001_a',
      'CREATE TABLE t (id int);\n' + 'INSERT INTO t VALUES (1);\n'.repeat(10_000),
      'DROP TABLE t;\n',
    ),
    args: ['{db}'],
    exit: 0,
    says: [SAFE],
    timeoutMs: 30_000,
  },
  {
    category: 'contents',
    name: '1,000 statements (goose, split one by one)',
    files: {
      'db/00001_a.sql':
        '-- +goose Up\nCREATE TABLE t (id int);\n' + 'SELECT 1;\n'.repeat(1_000) + '-- +goose Down\nDROP TABLE t;\n',
    },
    args: ['{db}', '--roundtrip', 'none'],
    exit: 0,
    says: [SAFE],
    timeoutMs: 30_000,
  },
  {
    category: 'contents',
    name: 'nesting 10,000 parentheses deep',
    files: pair('0001_a', 'SELECT ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + ';\n', 'SELECT 1;\n'),
    args: ['{db}'],
    exit: [0, 1],
    says: [/0001_a\.up\.sql|safe to merge/],
  },
  ...(['golang-migrate', 'goose'] as const).flatMap((format) =>
    (
      [
        ['quote', "SELECT 'never closed;\n"],
        ['dollar-quote', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1;\n'],
        ['block comment', '/* never closed\nSELECT 1;\n'],
        ['quoted identifier', 'CREATE TABLE "never closed (id int);\n'],
        ['nested block comment', '/* outer /* inner */ still open\nSELECT 1;\n'],
      ] as const
    ).map(
      ([what, sql]): HostileCase => ({
        category: 'contents',
        name: `unterminated ${what} (${format})`,
        files:
          format === 'goose'
            ? { 'db/00001_a.sql': `-- +goose Up\n${sql}-- +goose Down\nSELECT 1;\n` }
            : pair('0001_a', sql, 'SELECT 1;\n'),
        args: ['{db}'],
        exit: [1, 2],
        says: [
          format === 'goose' ? /00001_a\.sql/ : /0001_a\.up\.sql/,
          /sql-error|parse-error|unterminated|not closed|unclosed/i,
        ],
      }),
    ),
  ),
  ...metaLayouts.flatMap(([format, files, where]) =>
    META.map(
      (cmd): HostileCase => ({
        category: 'contents',
        name: `psql meta-command ${JSON.stringify(cmd.trim().split(' ')[0])} (${format})`,
        files: files(cmd),
        args: ['{db}'],
        exit: 2,
        says: [new RegExp(where), /psql meta-command/i],
      }),
    ),
  ),
  ...(
    [
      ['in a string literal', "CREATE TABLE t (id int, note text DEFAULT 'a\n\\i not-a-command\n');\n"],
      ['in an E-string', "CREATE TABLE t (id int, note text DEFAULT E'a\\\\\n\\set x');\n"],
      ['in a dollar-quoted string', 'CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS $$\n\\i not-a-command\n$$;\n'],
      [
        'in a tagged dollar quote',
        'CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS $body$\n\\gexec\n$$ still inside\n$body$;\n',
      ],
      ['in a block comment', 'CREATE TABLE t (id int);\n/*\n\\connect db\n*/\n'],
      ['in a line comment', 'CREATE TABLE t (id int); -- \\i x.sql\n'],
      ['in a quoted identifier', 'CREATE TABLE "t\n\\c db" (id int);\n'],
    ] as const
  ).map(
    ([where, up]): HostileCase => ({
      category: 'contents',
      name: `backslash at line start ${where} is not a meta-command`,
      files: pair(
        '0001_a',
        up,
        'DROP TABLE IF EXISTS t;\nDROP TABLE IF EXISTS "t\n\\c db";\nDROP FUNCTION IF EXISTS f();\n',
      ),
      args: ['{db}'],
      exit: 0,
      says: [SAFE],
      saysNot: [/meta-command/i],
    }),
  ),
];

// ───────────────────────────── links and special files ─────────────────────────────
const rootUid = () =>
  process.getuid?.() === 0
    ? 'running as root: chmod 000 files stay readable, so an unreadable file cannot be made here'
    : false;
const linkCases: HostileCase[] = [
  {
    category: 'links',
    name: 'symlink to /etc/passwd',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { symlink: '/etc/passwd' } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link/i],
    saysNot: [/root:x:0:0/],
  },
  {
    category: 'links',
    name: 'symlink to /proc/self/environ (secrets)',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { symlink: '/proc/self/environ' } },
    args: ['{db}'],
    env: { MC_SECRET: 'hunter2-secret' },
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link/i],
    saysNot: [/hunter2-secret/],
  },
  {
    category: 'links',
    name: 'symlink to a file in the parent folder',
    files: { ...CLEAN_PAIR, 'secret.sql': 'SELECT 1;\n', 'db/0001_x.up.sql': { symlink: '../secret.sql' } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link/i, /outside/i],
  },
  {
    category: 'links',
    name: 'symlink to /dev/zero',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { symlink: '/dev/zero' } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link|device/i],
    spawn: true,
    timeoutMs: 20_000,
  },
  {
    category: 'links',
    name: 'dangling symlink',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { symlink: 'does-not-exist.sql' } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link|link/i],
  },
  {
    category: 'links',
    name: 'symlink loop (self)',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { symlink: '0001_x.up.sql' } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /symlink|symbolic link|loop/i],
  },
  {
    category: 'links',
    name: 'symlink loop (a → b → a)',
    files: {
      ...CLEAN_PAIR,
      'db/0001_x.up.sql': { symlink: '0001_x.down.sql' },
      'db/0001_x.down.sql': { symlink: '0001_x.up.sql' },
    },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.(up|down)\.sql/, /symlink|symbolic link|loop/i],
  },
  {
    category: 'links',
    name: 'directory symlink loop (sub → .)',
    files: { ...CLEAN_PAIR, 'db/sub': { symlink: '.' } },
    args: ['{db}'],
    exit: 2,
    says: [/sub/, /symlink|symbolic link|loop/i],
    spawn: true,
    timeoutMs: 20_000,
  },
  {
    category: 'links',
    name: 'directory symlink to /',
    files: { ...CLEAN_PAIR, 'db/root': { symlink: '/' } },
    args: ['{db}'],
    exit: 2,
    says: [/root/, /symlink|symbolic link/i],
    spawn: true,
    timeoutMs: 20_000,
  },
  {
    category: 'links',
    name: 'directory named 0001_x.up.sql',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { dir: true } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /directory|folder/i],
  },
  {
    category: 'links',
    name: 'FIFO named 0001_x.up.sql (must not block)',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { fifo: true } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /FIFO|named pipe|not a regular file|special file/i],
    spawn: true,
    timeoutMs: 8_000,
  },
  {
    category: 'links',
    name: 'FIFO named V1__x.sql (flyway, must not block)',
    files: { 'db/V2__ok.sql': 'SELECT 1;\n', 'db/V1__x.sql': { fifo: true } },
    args: ['{db}'],
    exit: 2,
    says: [/V1__x\.sql/, /FIFO|named pipe|not a regular file|special file/i],
    spawn: true,
    timeoutMs: 8_000,
  },
  {
    category: 'links',
    name: 'unreadable file (chmod 000)',
    files: { ...CLEAN_PAIR, 'db/0001_x.up.sql': { text: 'SELECT 1;\n', mode: 0o000 } },
    args: ['{db}'],
    exit: 2,
    says: [/0001_x\.up\.sql/, /permission|cannot be read|unreadable/i],
    skip: rootUid,
  },
  {
    category: 'links',
    name: 'migration directory is a file',
    files: { db: 'not a folder\n' },
    args: ['{db}'],
    exit: 2,
    says: [/db/, /not a directory/],
  },
  {
    category: 'links',
    name: 'migration directory is a FIFO',
    files: { db: { fifo: true } },
    args: ['{db}'],
    exit: 2,
    says: [/db/, /not a directory|FIFO|pipe/i],
    spawn: true,
    timeoutMs: 8_000,
  },
  {
    category: 'links',
    name: 'migration directory is a dangling symlink',
    files: { db: { symlink: 'nowhere' } },
    args: ['{db}'],
    exit: 2,
    says: [/db/, /does not exist|symlink|link/i],
  },
];

// ───────────────────────────── configs ─────────────────────────────
const json = (o: unknown) => JSON.stringify(o);
const suggests = (wrong: string, right: string): RegExp[] => [
  re(wrong),
  new RegExp(
    `(did you mean|perhaps|maybe|nearest|closest)[^\\n]{0,40}${right.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    'i',
  ),
];
const unknownKeys: [file: string, text: string, wrong: string, right: string][] = [
  ['migrate-check.yml', 'fail_on: warning\n', 'fail_on', 'fail-on'],
  ['migrate-check.yml', 'failon: warning\n', 'failon', 'fail-on'],
  ['migrate-check.json', json({ statement_timeout: '1s' }), 'statement_timeout', 'statement-timeout'],
  ['migrate-check.json', json({ 'databse-url': 'postgres://x@y/z' }), 'databse-url', 'database-url'],
  ['migrate-check.yml', 'outptu: json\n', 'outptu', 'output'],
  ['migrate-check.yml', 'directories:\n  db:\n    chekcs:\n      sql-error: off\n', 'chekcs', 'checks'],
  ['migrate-check.yml', 'directories:\n  db:\n    formatt: goose\n', 'formatt', 'format'],
  ['migrate-check.yml', 'directories:\n  db:\n    fail-on: warning\n', 'fail-on', 'directories'],
  ['migrate-check.yml', 'checks:\n  sql-eror: warning\n', 'sql-eror', 'sql-error'],
  ['migrate-check.yml', 'checks:\n  down_reverts_up: off\n', 'down_reverts_up', 'down-reverts-up'],
  [
    'migrate-check.json',
    json({ format: 'custom', custom: { patern: '^(?<version>\\d+)_(?<name>.+)\\.sql$' } }),
    'custom.patern',
    'pattern',
  ],
  ['migrate-check.json', json({ 'naming-conventions': { snake_case: true } }), 'snake_case', 'snake-case'],
];
/** [key, a wrong-typed value] for every config key. */
const wrongTypes: [key: string, value: unknown][] = [
  ['path', { a: 1 }],
  ['format', 3],
  ['roundtrip', true],
  ['checks', 'all'],
  ['checks', ['sql-error']],
  ['placeholders', [1]],
  ['placeholders', { a: 1 }],
  ['database', 5],
  ['database-url', 5],
  ['database-url', ['postgres://a@b/c']],
  ['postgres-image', { a: 1 }],
  ['postgres-version', 'abc'],
  ['postgres-version', 17.5],
  ['postgres-bin', []],
  ['output', {}],
  ['output-file', true],
  ['fail-on', 1],
  ['statement-timeout', 'forever'],
  ['statement-timeout', -5],
  ['lock-timeout', []],
  ['same-database', 'yes'],
  ['base', true],
  ['base', {}],
  ['scope', 1],
  ['directories', 'db'],
  ['directories', ['db']],
  ['prerequisites', { a: 1 }],
  ['search-path', {}],
  ['settings', [1]],
  ['settings', 'a=b'],
  ['role', 'a b'],
  ['role', 7],
  ['ordering', 1],
  ['no-transaction-marker', 1],
  ['custom', 'x'],
  ['naming-conventions', 1],
];
const configCases: HostileCase[] = [
  ...unknownKeys.map(
    ([file, text, wrong, right]): HostileCase => ({
      category: 'configs',
      name: `unknown key ${wrong} (${file})`,
      files: { ...CLEAN_PAIR, [file]: text },
      args: ['{db}'],
      exit: 2,
      says: [re(file), ...suggests(wrong, right)],
    }),
  ),
  ...wrongTypes.map(
    ([key, value]): HostileCase => ({
      category: 'configs',
      name: `wrong type: ${key}: ${json(value)}`,
      files: { ...CLEAN_PAIR, 'migrate-check.json': json({ [key]: value }) },
      args: ['{db}'],
      exit: 2,
      says: [/migrate-check\.json/, re(key)],
    }),
  ),
  ...(
    ['format', 'roundtrip', 'checks', 'placeholders', 'prerequisites', 'settings', 'role', 'search-path'] as const
  ).map(
    (key): HostileCase => ({
      category: 'configs',
      name: `wrong type per directory: directories.db.${key}`,
      files: { ...CLEAN_PAIR, 'migrate-check.yml': `directories:\n  db:\n    ${key}: [[1], {a: [2]}]\n` },
      args: ['{db}'],
      exit: 2,
      says: [/migrate-check\.yml/, re(key)],
    }),
  ),
  {
    category: 'configs',
    name: 'directories entry is a scalar',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': 'directories:\n  db: 3\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /directories/],
  },
  {
    category: 'configs',
    name: 'invalid YAML (unclosed flow)',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': 'fail-on: [error\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /YAML/],
  },
  {
    category: 'configs',
    name: 'invalid YAML (tab indentation)',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': 'directories:\n\tdb:\n\t\tformat: goose\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /YAML/],
  },
  {
    category: 'configs',
    name: 'YAML duplicate key',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': 'fail-on: error\nfail-on: never\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /fail-on|duplicate|unique/i],
  },
  {
    category: 'configs',
    name: 'YAML alias bomb (billion laughs)',
    files: {
      ...CLEAN_PAIR,
      'migrate-check.yml':
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
    },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/],
    timeoutMs: 20_000,
  },
  {
    category: 'configs',
    name: 'YAML custom tag',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': 'fail-on: !!js/function "function(){}"\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /fail-on|tag/i],
  },
  {
    category: 'configs',
    name: 'YAML top-level list',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': '- fail-on: never\n' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /mapping/],
  },
  {
    category: 'configs',
    name: 'invalid JSON',
    files: { ...CLEAN_PAIR, 'migrate-check.json': '{ nope' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /JSON/],
  },
  {
    category: 'configs',
    name: 'JSON trailing comma',
    files: { ...CLEAN_PAIR, 'migrate-check.json': '{"fail-on": "error",}' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /JSON/],
  },
  {
    category: 'configs',
    name: 'JSON empty file',
    files: { ...CLEAN_PAIR, 'migrate-check.json': '' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /JSON|empty/],
  },
  {
    category: 'configs',
    name: 'JSON top-level string',
    files: { ...CLEAN_PAIR, 'migrate-check.json': '"fail-on"' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /mapping/],
  },
  {
    category: 'configs',
    name: 'JSON __proto__ key',
    files: { ...CLEAN_PAIR, 'migrate-check.json': '{"__proto__": {"fail-on": "never"}}' },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /__proto__/],
  },
  {
    category: 'configs',
    name: 'config file not UTF-8',
    files: {
      ...CLEAN_PAIR,
      'migrate-check.yml': Buffer.from([0x66, 0x61, 0x69, 0x6c, 0x2d, 0x6f, 0x6e, 0x3a, 0x20, 0xff, 0x0a]),
    },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /UTF-8/],
  },
  {
    category: 'configs',
    name: 'config file is a directory',
    files: { ...CLEAN_PAIR, 'migrate-check.json': { dir: true } },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.json/, /directory|folder/i],
  },
  {
    category: 'configs',
    name: 'config file is a dangling symlink',
    files: { ...CLEAN_PAIR, 'migrate-check.yml': { symlink: 'gone.yml' } },
    args: ['{db}'],
    exit: 2,
    says: [/migrate-check\.yml/, /link|does not exist/i],
  },
  {
    category: 'configs',
    name: '--config naming a directory',
    files: { ...CLEAN_PAIR, conf: { dir: true } },
    args: ['{db}', '--config', 'conf'],
    exit: 2,
    says: [/conf/, /directory|folder/i],
  },
  {
    category: 'configs',
    name: '--config absolute path is read',
    files: { ...pair('0001_a'), 'elsewhere/mc.yml': 'fail-on: never\n' },
    args: ['{db}', '--config', '{root}/elsewhere/mc.yml'],
    exit: 0,
    says: [BELOW],
  },
  {
    category: 'configs',
    name: '--config relative path is read',
    files: { ...pair('0001_a'), 'elsewhere/mc.json': json({ 'fail-on': 'never' }) },
    args: ['{db}', '--config', 'elsewhere/mc.json'],
    exit: 0,
    says: [BELOW],
  },
  {
    category: 'configs',
    name: '--config missing file',
    files: CLEAN_PAIR,
    args: ['{db}', '--config', 'missing.yml'],
    exit: 2,
    says: [/missing\.yml/, /does not exist|not found/],
  },
  {
    category: 'configs',
    name: '--config /dev/null is an empty config',
    files: CLEAN_PAIR,
    args: ['{db}', '--config', '/dev/null'],
    exit: [0, 2],
    says: [/safe to merge|\/dev\/null/],
  },
  {
    category: 'configs',
    name: '--config a FIFO (must not block)',
    files: { ...CLEAN_PAIR, 'mc.yml': { fifo: true } },
    args: ['{db}', '--config', 'mc.yml'],
    exit: 2,
    says: [/mc\.yml/, /FIFO|named pipe|not a regular file|special file/i],
    spawn: true,
    timeoutMs: 8_000,
  },
  {
    category: 'configs',
    name: '--config empty value',
    files: CLEAN_PAIR,
    args: ['{db}', '--config', ''],
    exit: 2,
    says: [/--config|config/],
  },
  {
    category: 'configs',
    name: 'a config whose path names the url password is redacted',
    files: { ...CLEAN_PAIR, 'migrate-check.json': json({ 'database-url': 'postgres://u:s3cretpw@127.0.0.1:1/x' }) },
    args: ['{db}'],
    db: 'none',
    exit: 2,
    says: [/127\.0\.0\.1:1/],
    saysNot: [/s3cretpw/],
  },
];

// ───────────────────────────── flags ─────────────────────────────
const flagValues: [flag: string, value: string, says?: RegExp][] = [
  ['--statement-timeout', '0'],
  ['--statement-timeout', 'abc'],
  ['--statement-timeout', ''],
  ['--statement-timeout', '-5s'],
  ['--statement-timeout', '1e309'],
  ['--statement-timeout', '99999999h'],
  ['--statement-timeout', '5 fortnights'],
  ['--lock-timeout', '0'],
  ['--lock-timeout', 'abc'],
  ['--lock-timeout', '-1'],
  ['--lock-timeout', '9999999999999'],
  ['--fail-on', 'fatal'],
  ['--fail-on', ''],
  ['--fail-on', 'ERROR'],
  ['--postgres-version', '9'],
  ['--postgres-version', 'abc'],
  ['--postgres-version', '17.5'],
  ['--postgres-version', ''],
  ['--postgres-version', '99'],
  ['--postgres-version', '0x11'],
  ['--roundtrip', 'sideways'],
  ['--roundtrip', ''],
  ['--output', 'xml'],
  ['--output', ''],
  ['--format', 'nope'],
  ['--format', ''],
  ['--format', '../../etc/passwd'],
  ['--database', 'sqlite'],
  ['--database', ''],
  ['--scope', 'none'],
  ['--base', ''],
  ['--base', '--upload-pack=touch /tmp/pwned'],
  ['--base', '-x'],
  ['--search-path', ''],
  ['--search-path', 'public; DROP DATABASE x'],
  ['--role', 'a;drop role x'],
  ['--role', ''],
  ['--role', 'x'.repeat(100)],
  ['--placeholder', 'noequals', /--placeholder/],
  ['--placeholder', '=x', /--placeholder/],
  ['--setting', '=x', /--setting/],
  ['--setting', 'noequals', /--setting/],
  ['--setting', 'a b=c', /--setting|a b/],
  ['--setting', 'statement_timeout=0', /statement_timeout|statement-timeout/],
  ['--database-url', '', /--database-url|database-url|DATABASE_URL/],
  ['--database-url', 'notaurl', /--database-url|database-url|not a Postgres URL/],
  ['--database-url', 'mysql://x@y/z', /not a Postgres URL/],
  ['--postgres-bin', '/nonexistent/bin', /\/nonexistent\/bin/],
  ['--postgres-bin', '/etc', /\/etc\b/],
  ['--prerequisites', '', /--prerequisites|prerequisites/],
  ['--prerequisites', '/proc/self/environ', /prerequisites|\/proc\/self\/environ/],
  ['--output-file', 'missing/out.json', /missing\/out\.json/],
  ['--output-file', '.', /output-file|'\.'|`\.`|"\."|directory/],
  ['--output-file', '/proc/x/out.json', /\/proc\/x\/out\.json/],
  ['--output-file', '/proc/x', /\/proc\/x/],
  ['--output-file', '', /--output-file|output-file/],
];
/** Flags whose bad value is only detectable by the server the run starts. */
const needsEmbedded = new Set(['--postgres-bin']);
const flagCases: HostileCase[] = [
  ...flagValues.map(
    ([flag, value, says]): HostileCase => ({
      category: 'flags',
      name: `${flag} ${JSON.stringify(value)}`,
      files: CLEAN_PAIR,
      args: [...(needsEmbedded.has(flag) ? ['--database', 'embedded'] : []), '{db}', flag, value],
      ...(flag === '--database-url' ? { db: 'none' as const } : {}),
      env: flag === '--prerequisites' ? { MC_SECRET: 'hunter2-secret' } : {},
      exit: 2,
      says: [says ?? re(flag.slice(2))],
      saysNot: [/hunter2-secret/, /root:x:0:0/],
    }),
  ),
  {
    category: 'flags',
    name: '--statement-timeout 1ms (absurd but valid): never a crash',
    files: CLEAN_PAIR,
    args: ['{db}', '--statement-timeout', '1ms'],
    exit: [0, 1, 2],
    says: [/statement-timeout|statement timeout|safe to merge/],
  },
  {
    category: 'flags',
    name: '--search-path naming no schema that exists: the session cannot be set up, said as a finding',
    files: CLEAN_PAIR,
    args: ['{db}', '--search-path', 'nowhere'],
    exit: 1,
    says: [/cannot be set up: no schema has been selected to create in \(SQLSTATE 3F000\)/, /prerequisites file/],
  },
  {
    category: 'flags',
    name: 'unknown flag --frobnicate',
    files: CLEAN_PAIR,
    args: ['{db}', '--frobnicate'],
    exit: 2,
    says: [/--frobnicate/, /--help/],
  },
  {
    category: 'flags',
    name: 'unknown flag --fail_on suggests --fail-on',
    files: CLEAN_PAIR,
    args: ['{db}', '--fail_on', 'error'],
    exit: 2,
    says: suggests('--fail_on', '--fail-on'),
  },
  {
    category: 'flags',
    name: 'unknown flag --outptu suggests --output',
    files: CLEAN_PAIR,
    args: ['{db}', '--outptu', 'json'],
    exit: 2,
    says: suggests('--outptu', '--output'),
  },
  { category: 'flags', name: 'unknown short flag -x', files: CLEAN_PAIR, args: ['{db}', '-x'], exit: 2, says: [/-x/] },
  {
    category: 'flags',
    name: 'unknown flag with ESC in it',
    files: CLEAN_PAIR,
    args: ['{db}', '--\x1b[31mred'],
    exit: 2,
    says: [/red/],
  },
  {
    category: 'flags',
    name: 'boolean flag with a value --same-database=yes',
    files: CLEAN_PAIR,
    args: ['{db}', '--same-database=yes'],
    exit: 2,
    says: [/--same-database/],
  },
  {
    category: 'flags',
    name: 'flag missing its value (--output at the end)',
    files: CLEAN_PAIR,
    args: ['{db}', '--output'],
    exit: 2,
    says: [/--output/],
  },
  {
    category: 'flags',
    name: 'positional that does not exist, with ESC',
    files: {},
    args: ['{root}/no\x1b[2Jpe'],
    exit: 2,
    says: [/no.{1,12}pe/, /does not exist/],
  },
  {
    category: 'flags',
    name: 'hash subcommand on a missing folder',
    files: {},
    db: 'none',
    args: ['hash', '{root}/missing'],
    exit: 2,
    says: [/missing/, /does not exist/],
  },
  {
    category: 'flags',
    name: 'hash into a read-only place (/proc)',
    files: {},
    db: 'none',
    args: ['hash', '/proc/self/fd'],
    exit: 2,
    says: [/\/proc\/self\/fd/],
  },
];

// ───────────────────────────── environment ─────────────────────────────
const envCases: HostileCase[] = [
  {
    category: 'environment',
    name: 'TMPDIR=/nonexistent (embedded)',
    files: CLEAN_PAIR,
    args: ['{db}'],
    env: { TMPDIR: '/nonexistent' },
    db: 'embedded',
    spawn: true,
    timeoutMs: 20_000,
    exit: [0, 2],
    says: [/TMPDIR|\/nonexistent|safe to merge/],
  },
  {
    category: 'environment',
    name: 'TMPDIR is a file (embedded)',
    files: { ...CLEAN_PAIR, tmpfile: 'x' },
    args: ['{db}'],
    env: { TMPDIR: '{root}/tmpfile' },
    db: 'embedded',
    spawn: true,
    timeoutMs: 20_000,
    exit: [0, 2],
    says: [/TMPDIR|tmpfile|safe to merge/],
  },
  {
    category: 'environment',
    name: 'XDG_CACHE_HOME=/proc/x (embedded)',
    files: CLEAN_PAIR,
    args: ['{db}'],
    env: { XDG_CACHE_HOME: '/proc/x' },
    db: 'embedded',
    spawn: true,
    timeoutMs: 20_000,
    exit: [0, 2],
    says: [/XDG_CACHE_HOME|\/proc\/x|safe to merge/],
  },
  {
    category: 'environment',
    name: 'HOME=/proc, no XDG_CACHE_HOME (embedded)',
    files: CLEAN_PAIR,
    args: ['{db}'],
    env: { HOME: '/proc', XDG_CACHE_HOME: '' },
    db: 'embedded',
    spawn: true,
    timeoutMs: 20_000,
    exit: [0, 2],
    says: [/HOME|\/proc|safe to merge/],
  },
  {
    category: 'environment',
    name: 'GITHUB_STEP_SUMMARY=/proc/x with --output github',
    files: CLEAN_PAIR,
    args: ['{db}', '--output', 'github'],
    env: { GITHUB_STEP_SUMMARY: '/proc/x' },
    exit: [0, 2],
    says: [/GITHUB_STEP_SUMMARY|\/proc\/x/],
  },
  {
    category: 'environment',
    name: 'GITHUB_STEP_SUMMARY is a directory',
    files: { ...CLEAN_PAIR, summary: { dir: true } },
    args: ['{db}', '--output', 'github'],
    env: { GITHUB_STEP_SUMMARY: '{root}/summary' },
    exit: [0, 2],
    says: [/GITHUB_STEP_SUMMARY|summary/],
  },
  {
    category: 'environment',
    name: 'GITHUB_STEP_SUMMARY=/dev/full (disk full)',
    files: CLEAN_PAIR,
    args: ['{db}', '--output', 'github'],
    env: { GITHUB_STEP_SUMMARY: '/dev/full' },
    exit: [0, 2],
    says: [/GITHUB_STEP_SUMMARY|\/dev\/full/],
  },
  {
    category: 'environment',
    name: 'DATABASE_URL garbage names DATABASE_URL',
    files: CLEAN_PAIR,
    args: ['{db}'],
    env: { DATABASE_URL: 'garbage' },
    db: 'none',
    exit: 2,
    says: [/DATABASE_URL/],
  },
  {
    category: 'environment',
    name: 'DATABASE_URL with a password is redacted',
    files: CLEAN_PAIR,
    args: ['{db}'],
    env: { DATABASE_URL: 'postgres://u:pa55word@127.0.0.1:1/x' },
    db: 'none',
    exit: 2,
    says: [/127\.0\.0\.1:1/],
    saysNot: [/pa55word/],
  },
  {
    category: 'environment',
    name: 'GITHUB_SHA with ESC and markdown (github output)',
    files: pair('0001_a'),
    args: ['{db}', '--output', 'github'],
    env: {
      GITHUB_SHA: '\x1b[31m](javascript:alert(1))',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_STEP_SUMMARY: '{root}/summary.md',
    },
    exit: 1,
    says: [/0001_a\.down\.sql/],
  },
  {
    category: 'environment',
    name: 'TERM=dumb with --color still no raw ESC in github output',
    files: pair('0001_a'),
    args: ['{db}', '--output', 'github', '--color'],
    env: { TERM: 'dumb', GITHUB_STEP_SUMMARY: '{root}/summary.md' },
    exit: 1,
    says: [/0001_a\.down\.sql/],
  },
];

export const CASES: HostileCase[] = [
  ...nameCases,
  ...contentCases,
  ...linkCases,
  ...configCases,
  ...flagCases,
  ...envCases,
];
export const STACK_TRACE = NO_STACK;

// ───────────────────────────── malicious SQL ─────────────────────────────
/** What the server looks like to a migration on each provider. */
export interface SqlContext {
  /** The database the URL names (url) or the server's own `postgres` (embedded). */
  urlDatabase: string;
  /** The user in the URL. */
  urlUser: string;
  /** A file the migration tries to write through the server. */
  outFile: string;
}
/** `outside`: acts outside the scratch database; `access`: reads files / runs programs; `timeout`. */
export type SqlKind = 'outside' | 'access' | 'timeout';
export interface MaliciousCase {
  name: string;
  kind: SqlKind;
  /** The up migration's text. */
  up: (ctx: SqlContext) => string;
  args?: string[];
}
export const MALICIOUS: MaliciousCase[] = [
  {
    name: 'DROP DATABASE <url database> WITH (FORCE)',
    kind: 'outside',
    up: (c) => `CREATE TABLE t (id int);\nDROP DATABASE "${c.urlDatabase}" WITH (FORCE);\n`,
  },
  {
    name: "ALTER DATABASE <url database> SET work_mem='1MB'",
    kind: 'outside',
    up: (c) => `CREATE TABLE t (id int);\nALTER DATABASE "${c.urlDatabase}" SET work_mem = '1MB';\n`,
  },
  { name: 'CREATE DATABASE evil', kind: 'outside', up: () => 'CREATE TABLE t (id int);\nCREATE DATABASE evil;\n' },
  {
    name: 'CREATE ROLE evil LOGIN SUPERUSER',
    kind: 'outside',
    up: () => 'CREATE TABLE t (id int);\nCREATE ROLE evil LOGIN SUPERUSER;\n',
  },
  {
    name: "ALTER ROLE <url user> PASSWORD 'x'",
    kind: 'outside',
    up: (c) => `CREATE TABLE t (id int);\nALTER ROLE "${c.urlUser}" PASSWORD 'x';\n`,
  },
  {
    name: "ALTER SYSTEM SET work_mem='1MB'",
    kind: 'outside',
    up: () => "CREATE TABLE t (id int);\nALTER SYSTEM SET work_mem = '1MB';\n",
  },
  {
    name: 'CREATE TABLESPACE',
    kind: 'outside',
    up: (c) => `CREATE TABLE t (id int);\nCREATE TABLESPACE evil LOCATION '${c.outFile}.ts';\n`,
  },
  {
    name: "COPY (SELECT 1) TO PROGRAM 'env > file'",
    kind: 'access',
    up: (c) => `CREATE TABLE t (id int);\nCOPY (SELECT 1) TO PROGRAM 'env > ${c.outFile}';\n`,
  },
  {
    name: "SELECT pg_read_file('/etc/passwd')",
    kind: 'access',
    up: () => "CREATE TABLE t (id int);\nSELECT pg_read_file('/etc/passwd');\n",
  },
  {
    name: "SELECT lo_import('/etc/passwd')",
    kind: 'access',
    up: () => "CREATE TABLE t (id int);\nSELECT lo_import('/etc/passwd');\n",
  },
  {
    name: 'SET statement_timeout = 0; SELECT pg_sleep(40) with --statement-timeout 2s',
    kind: 'timeout',
    up: () => 'CREATE TABLE t (id int);\nSET statement_timeout = 0;\nSELECT pg_sleep(40);\n',
    args: ['--statement-timeout', '2s'],
  },
  {
    name: "set_config('statement_timeout', '0') then pg_sleep(40)",
    kind: 'timeout',
    up: () => "CREATE TABLE t (id int);\nSELECT set_config('statement_timeout', '0', false);\nSELECT pg_sleep(40);\n",
    args: ['--statement-timeout', '2s'],
  },
];
