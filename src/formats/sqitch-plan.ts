/**
 * A port of sqitch's plan parser (lib/App/Sqitch/Plan.pm, `_parse` and `check_changes`): pragmas
 * up to the first blank line, then changes (`name [deps] timestamp planner <email> # note`) and
 * tags (`@name timestamp planner <email>`), with the syntax errors sqitch raises.
 */

const PUNCT = String.raw`\-!"#$%&'()*+,./:;<=>?@[\\\]^\x60{|}~`;
/** `$name_re`: no leading or trailing punctuation, no blanks, `:`, `@`, `#` or `\`. */
const NAME = String.raw`(?![${PUNCT}])(?:(?![~/=%^\[\]]\d+(?:$|[ \t]))[^ \t:@#\\])+(?<![${PUNCT}])\b`;
const LINE = new RegExp(
  String.raw`^[ \t]*(?:@|[ \t]*([+-])[ \t]*)?(${NAME})[ \t]*(?:\[([^\]]+)\][ \t]*)?` +
    String.raw`(?:(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z[ \t]*)?(?:([^<]+)[ \t]+<([^>]+)>)?$`,
);
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/;

export interface PlannedChange {
  name: string;
  line: number;
  requires: string[];
  /** The tags declared between this change and the next one. */
  tags: string[];
  /** For a change planned again later (reworked): the tags after this instance, in order. */
  reworkTags: string[];
}

export class PlanError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** The changes of a plan in plan order; throws a PlanError as sqitch refuses a plan. */
export function parsePlan(text: string, file = 'sqitch.plan'): { project: string | null; changes: PlannedChange[] } {
  const lines = text.split(/\r?\n/);
  const syntax = (n: number, message: string) => new PlanError(`Syntax error in ${file} at line ${n}: ${message}`, n);
  let i = 0;
  let project: string | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[ \t]*(?:#.*)?$/.test(line)) {
      if (!/#/.test(line)) {
        i++;
        break;
      }
      continue;
    }
    const pragma = /^[ \t]*%[ \t]*([^\s=]+)[ \t]*(?:=[ \t]*(.+?))?[ \t]*(?:#.*)?$/.exec(line);
    if (!pragma) throw syntax(i + 1, 'Invalid pragma; a blank line must come between pragmas and changes');
    if (pragma[1] === 'project') project = pragma[2] ?? null;
  }
  if (!project) throw new PlanError(`Missing %project pragma in ${file}`, 1);
  const changes: PlannedChange[] = [];
  let sinceTag = new Map<string, number>();
  const seen = new Map<string, number>();
  const tags = new Map<string, number>();
  let section: PlannedChange[] = [];
  const check = () => {
    const position = new Map(section.map((c, k) => [c.name, k]));
    for (const [k, c] of section.entries()) {
      for (const dep of c.requires) {
        if (dep.includes(':')) continue; // another project's change
        const [name, tag] = dep.split('@');
        if (tag !== undefined && tags.has(`@${tag}`) && (seen.get(name!) ?? Infinity) < tags.get(`@${tag}`)!) continue;
        if (tag === undefined && (seen.has(dep) || (position.get(dep) ?? Infinity) < k)) continue;
        if (dep === c.name) throw syntax(c.line, `Change "${c.name}" cannot require itself`);
        const at = position.get(dep);
        if (at !== undefined) {
          const n = at - k;
          throw syntax(
            c.line,
            `Change "${c.name}" planned ${n} change${n === 1 ? '' : 's'} before required change "${dep}"`,
          );
        }
        throw syntax(c.line, `Unknown change "${dep}" required by change "${c.name}"`);
      }
    }
  };
  for (; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i]!;
    if (/^[ \t]*(?:#.*)?$/.test(raw)) continue;
    const line = raw.replace(/[ \t]*(?:#[ \t]*(.*))?$/, '');
    const isTag = /^[ \t]*@/.test(line);
    const m = LINE.exec(line);
    if (!m || (!m[4] && TIMESTAMP.test(line))) {
      throw syntax(
        n,
        'Invalid name; names must not begin with punctuation, contain "@", ":", "#", "\\", "[", "]", or blanks, ' +
          'or end in punctuation or digits following punctuation',
      );
    }
    if (!m[4] && !m[10]) throw syntax(n, 'Missing timestamp and planner name and email');
    if (!m[4]) throw syntax(n, 'Missing timestamp');
    if (!m[10]) throw syntax(n, 'Missing planner name and email');
    const name = m[2]!;
    if (name === 'ROOT' || name === 'HEAD') throw syntax(n, `"${isTag ? '@' : ''}${name}" is a reserved name`);
    if (isTag) {
      const previous = changes.at(-1);
      if (!previous) throw syntax(n, `Tag "${name}" declared without a preceding change`);
      if (tags.has(`@${name}`)) {
        throw syntax(n, `Tag "${name}" duplicates earlier declaration on line ${tags.get(`@${name}`)}`);
      }
      if (m[3]) throw syntax(n, 'Tags may not specify dependencies');
      check();
      section = [];
      previous.tags.push(name);
      for (const [change, at] of sinceTag) seen.set(change, at);
      sinceTag = new Map();
      tags.set(`@${name}`, n);
      continue;
    }
    if (sinceTag.has(name)) {
      throw syntax(n, `Change "${name}" duplicates earlier declaration on line ${sinceTag.get(name)}`);
    }
    if (m[1] === '-')
      throw syntax(n, `Change "${name}" is planned as a revert ("-"), which migrate-check does not read`);
    const requires = (m[3] ?? '').split(/[ \t]+/).filter((d) => d && !d.startsWith('!'));
    const change: PlannedChange = { name, line: n, requires, tags: [], reworkTags: [] };
    // A change planned again: the earlier instances are reworked, their scripts named after the tags since.
    for (const earlier of changes.filter((c) => c.name === name)) {
      const after = changes.slice(changes.indexOf(earlier));
      earlier.reworkTags = after.flatMap((c) => c.tags);
    }
    changes.push(change);
    section.push(change);
    sinceTag.set(name, n);
  }
  check();
  return { project, changes };
}
