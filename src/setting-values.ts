/**
 * What a setting's value may be (a choice, a text, a list, a number, a duration, a switch,
 * name=value pairs) and how each is checked, with messages that name the key, the value and
 * what it must be. One value kind serves the config file, CLI flags and Action inputs alike.
 */
import { ConfigError } from './errors.ts';

export interface ValueKind<T> {
  /** What follows the flag in `--help`, e.g. `<path>`. */
  readonly arg?: string;
  /** A boolean: `--x` and `--no-x` on the command line, no value after them. */
  readonly switch?: boolean;
  /** The values a choice takes, listed in `--help` and action.yml. */
  readonly choices?: () => readonly string[];
  /** The flag may be given more than once (lists, name=value pairs). */
  readonly repeatable?: boolean;
  /** Mappings combine key by key across defaults, config file and flags, instead of replacing. */
  readonly merge?: boolean;
  /** Checks a value as the config file holds it (flags and inputs give text, which most kinds take). */
  parse(value: unknown, key: string, where: string, byDefault?: T): T;
  /** A flag's (repeated) or an input's text, in the form `parse` takes, where that differs. */
  fromText?(text: string | string[], label: string): unknown;
  /** The value as written in `--help` and action.yml. */
  show?(value: T): string;
}

/** What a config value is, for messages: `a number (5)`, `a list`, `a mapping`, `true`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? 'a list' : 'an empty list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return String(value);
  return `a ${typeof value} (${String(value)})`;
}

/** A setting that must be one non-empty text, e.g. a path or a URL. */
export function text(value: unknown, key: string, where: string, example: string): string {
  if (typeof value !== 'string') {
    throw new ConfigError(`${where}: \`${key}\` is ${kindOf(value)}; it must be a string, e.g. ${example}.`);
  }
  if (!value.trim()) throw empty(key, where, example);
  return value.trim();
}

const empty = (key: string, where: string, example: string) =>
  new ConfigError(`${where}: \`${key}\` is empty; write a value, e.g. ${example}, or leave it out.`);

/** A setting that is a list of texts: a list of strings, or one string with one entry a line. */
export function textList(value: unknown, key: string, where: string, example: string): string[] {
  if (typeof value === 'string') {
    if (!value.trim()) throw empty(key, where, example);
    return value
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
  }
  if (!Array.isArray(value)) {
    const given = `${where}: \`${key}\` is ${kindOf(value)}`;
    throw new ConfigError(`${given}; it must be a string or a list of strings, e.g. ${example}.`);
  }
  return value.map((entry, i) => {
    if (typeof entry !== 'string') {
      const at = `${where}: \`${key}\` entry ${i + 1} is ${kindOf(entry)}`;
      throw new ConfigError(`${at}; each entry must be a string, e.g. ${example}.`);
    }
    if (!entry.trim()) {
      throw new ConfigError(`${where}: \`${key}\` has an empty entry; write a value, e.g. ${example}.`);
    }
    return entry.trim();
  });
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, where: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${where}: \`${key}\` is ${JSON.stringify(value)}; it must be one of ${allowed.join(', ')}.`);
}

/** `250ms`, `30s`, `5min`, `5m`, `1h`, or a number of milliseconds. */
export function parseDuration(value: unknown, key: string, where: string): number {
  const written = typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  const match = written === null ? null : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/.exec(written);
  if (!match) {
    const given = typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
    throw new ConfigError(`${where}: \`${key}\` is ${given}; write a duration such as 30s, 5min or 1h.`);
  }
  const unit = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

/** The longest timeout Postgres accepts: INT_MAX milliseconds, about 24.8 days. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * `statement-timeout` or `lock-timeout` in milliseconds, from `min` to what Postgres accepts.
 * NOTE: Postgres reads 0 as "no limit", and a statement timeout of a few ms cancels every
 * statement, so every migration would fail for a reason that is not in it: both are mistakes.
 */
export function parseTimeout(value: unknown, key: string, where: string, min: number, byDefault: string): number {
  const ms = parseDuration(value, key, where);
  const given = `${where}: \`${key}\` is ${JSON.stringify(String(value))}`;
  if (ms === 0) {
    throw new ConfigError(
      `${given}, which Postgres reads as no limit at all. Use at least ${min}ms; the default is ${byDefault}.`,
    );
  }
  if (ms < min) {
    throw new ConfigError(
      `${given}, so every statement would be cancelled before it could finish. ` +
        `Use at least ${min}ms; the default is ${byDefault}.`,
    );
  }
  if (ms > MAX_TIMEOUT_MS) {
    throw new ConfigError(
      `${given}, longer than Postgres accepts: ${min}ms to ${MAX_TIMEOUT_MS}ms (about 24 days). ` +
        `Use a shorter duration such as 30min; the default is ${byDefault}.`,
    );
  }
  return ms;
}

/** A duration as people write it: 300000 → `5min`. */
export function showDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

// The kinds. Each takes an example for its messages (what a right value looks like).

/** One of a few words; `values` may be computed (the format ids come from the format list). */
export function choice<T extends string>(values: readonly T[] | (() => readonly T[]), arg: string): ValueKind<T> {
  const all = typeof values === 'function' ? values : () => values;
  return { arg, choices: all, parse: (value, key, where) => oneOf(value, all(), key, where) };
}

/** One non-empty text (`check` refuses what the text may not be, with its own message). */
export function single(
  example: string,
  arg = '<text>',
  check?: (value: string, where: string) => void,
): ValueKind<string> {
  return {
    arg,
    parse(value, key, where) {
      const out = text(value, key, where, example);
      check?.(out, where);
      return out;
    },
  };
}

/** Texts: a list in the config file, a repeated flag, one per line in an Action input. */
export function list(example: string, arg = '<text>'): ValueKind<string[]> {
  return {
    arg,
    repeatable: true,
    parse: (value, key, where) => textList(value, key, where, example),
    show: (v) => v.join(', '),
  };
}

/** A whole number from `min` to `max`, written as digits (17, or "17" on a command line). */
export function integer(what: string, min: number, max: number, example: number, arg = '<n>'): ValueKind<number> {
  return {
    arg,
    parse(value, key, where) {
      const decimal = typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value));
      const n = decimal ? Number(value) : NaN;
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      const range = `${what} from ${min} to ${max}, e.g. ${example}`;
      throw new ConfigError(`${where}: \`${key}\` is ${kindOf(value)}; it must be ${range}.`);
    },
  };
}

/**
 * One or more Postgres majors: `17`, `"17"`, `"15,16,17"` (a flag or an input) or `[15, 16]` (the
 * config file), each from `min` to `max`, each once, in the order given.
 */
export function majors(min: number, max: number, example: number): ValueKind<number[]> {
  const one = integer('a Postgres major version', min, max, example, '<major>');
  return {
    arg: '<major,…>',
    parse(value, key, where) {
      const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
      if (!entries.length)
        throw new ConfigError(`${where}: \`${key}\` is an empty list; give a major, e.g. ${example}.`);
      const parsed = entries.map((e) => one.parse(typeof e === 'string' ? e.trim() : e, key, where));
      return [...new Set(parsed)];
    },
    show: (v) => v.join(','),
  };
}

/** A duration (30s, 5min, 1h) held in milliseconds, at least `minMs`. */
export function duration(minMs: number, arg = '<d>'): ValueKind<number> {
  return {
    arg,
    parse: (value, key, where, byDefault) => parseTimeout(value, key, where, minMs, showDuration(byDefault ?? minMs)),
    show: showDuration,
  };
}

/** A switch: true or false in the config file, `--x` / `--no-x` on the command line, 'true'/'false' as an input. */
export const onOff: ValueKind<boolean> = {
  switch: true,
  parse(value, key, where) {
    if (typeof value !== 'boolean') throw new ConfigError(`${where}: \`${key}\` must be true or false.`);
    return value;
  },
  fromText(given, label) {
    const word = String(given);
    if (/^(true|True|TRUE)$/.test(word)) return true;
    if (/^(false|False|FALSE)$/.test(word)) return false;
    throw new ConfigError(`${label} is ${JSON.stringify(word)}; it must be true or false.`);
  },
  show: String,
};

/** `name=value` texts (repeated flags, or one a line) into a mapping. */
export function pairs(given: string | string[], label: string): Record<string, string> {
  const lines = typeof given === 'string' ? given.split('\n').filter((l) => l.trim()) : given;
  return Object.fromEntries(
    lines.map((v) => {
      const at = v.indexOf('=');
      if (at <= 0) throw new ConfigError(`${label} ${JSON.stringify(v)} needs the form name=value.`);
      return [v.slice(0, at), v.slice(at + 1)];
    }),
  );
}

/** A mapping of texts: in the config file as a mapping, on the command line as repeated name=value. */
export function mapping(
  arg: string,
  parse: (value: unknown, key: string, where: string) => Record<string, string>,
): ValueKind<Record<string, string>> {
  return { arg, repeatable: true, merge: true, parse, fromText: pairs };
}

/** A structured value only the config file holds (parsed by `parse`, which names its own keys). */
export function structured<T>(parse: (value: unknown, where: string) => T, merge = false): ValueKind<T> {
  return { merge, parse: (value, _key, where) => parse(value, where) };
}
