/**
 * The variable substitution goose applies to lines between `-- +goose ENVSUB ON` and `OFF`
 * (github.com/mfridman/interpolate, which goose calls once per line):
 *
 * - `$NAME`, `${NAME}`: the value, empty when unset;
 * - `${NAME:-text}`: `text` when unset or empty; `${NAME-text}`: `text` when unset;
 * - `${NAME?message}`: an error when unset; `${NAME:offset}`, `${NAME:offset:length}`: a slice;
 * - `\$` and `$$` are a literal `$`, `\\` stays `\\`, `$(` is left alone;
 * - any other `$` that is not the last character must start a name (a letter first), or the
 *   substitution fails: under ENVSUB a dollar-quoted `$$` body or a `$1` is rewritten or refused.
 *
 * Names are looked up in `env`; `unset` collects the names whose value was taken while unset.
 */
export interface EnvsubResult {
  text: string;
  unset: string[];
}

type Item = { text: string } | { expand: (env: Env) => string };
type Env = { values: ReadonlyMap<string, string>; unset: Set<string> };

class Parser {
  pos = 0;
  readonly input: string;
  constructor(input: string) {
    this.input = input;
  }

  peek(): string | null {
    return this.pos < this.input.length ? String.fromCodePoint(this.input.codePointAt(this.pos)!) : null;
  }
  next(): string | null {
    const c = this.peek();
    if (c !== null) this.pos += c.length;
    return c;
  }
  rest(): string {
    return this.input.slice(this.pos);
  }
  scanUntil(stop: (c: string) => boolean): string {
    const start = this.pos;
    for (let c = this.peek(); c !== null && !stop(c); c = this.peek()) this.pos += c.length;
    return this.input.slice(start, this.pos);
  }
  identifier(): string {
    const c = this.peek();
    if (c === null || !/\p{L}/u.test(c)) throw new Error(`Expected identifier to start with a letter, got ${c ?? ''}`);
    return this.scanUntil((r) => !/[\p{L}\p{N}_]/u.test(r));
  }

  expression(stop = ''): Item[] {
    const items: Item[] = [];
    for (let c = this.peek(); c !== null && !stop.includes(c); c = this.peek()) {
      const rest = this.rest();
      if (rest.startsWith('\\\\')) {
        this.pos += 2;
        items.push({ text: '\\\\' });
      } else if (rest.startsWith('\\$') || rest.startsWith('$$')) {
        this.pos += 2;
        items.push({ text: '$' });
      } else if (rest.startsWith('$(')) {
        this.pos += 2;
        items.push({ text: '$(' });
      } else if (c === '$' && this.pos < this.input.length - 1) {
        items.push({ expand: this.expansion() });
      } else {
        const first = this.next()!;
        items.push({ text: first + this.scanUntil((r) => r === '$' || r === '\\' || stop.includes(r)) });
      }
    }
    return items;
  }

  expansion(): (env: Env) => string {
    this.next(); // `$`
    if (this.peek() !== '{') return value(this.identifier());
    this.next();
    const name = this.identifier();
    if (this.peek() === '}') {
      this.next();
      return value(name);
    }
    const op1 = this.next();
    let expand: (env: Env) => string;
    if (op1 === ':' && this.peek() === '-') {
      this.next();
      const content = this.expression('}');
      expand = (env) => (env.values.get(name) ? env.values.get(name)! : render(content, env));
    } else if (op1 === ':') {
      expand = this.substring(name);
    } else if (op1 === '-') {
      const content = this.expression('}');
      expand = (env) => (env.values.has(name) ? env.values.get(name)! : render(content, env));
    } else if (op1 === '?') {
      const message = this.expression('}');
      expand = (env) => {
        if (env.values.has(name)) return env.values.get(name)!;
        throw new Error(`$${name}: ${render(message, env) || 'not set'}`);
      };
    } else {
      throw new Error(`Expected an operator, got ${op1 ?? ''}`);
    }
    const close = this.next();
    if (close !== '}') throw new Error(`Expected brace expansion to end with }, got ${close ?? ''}`);
    return expand;
  }

  substring(name: string): (env: Env) => string {
    const integer = (s: string, what: string) => {
      if (!/^[+-]?\d+$/.test(s.trim())) {
        throw new Error(`Unable to parse ${what}: strconv.Atoi: parsing ${JSON.stringify(s.trim())}: invalid syntax`);
      }
      return Number(s.trim());
    };
    const offset = integer(
      this.scanUntil((r) => r === ':' || r === '}'),
      'offset',
    );
    let length: number | null = null;
    if (this.peek() !== '}') {
      this.next();
      length = integer(
        this.scanUntil((r) => r === '}'),
        'length',
      );
    }
    return (env) => {
      const bytes = Buffer.from(value(name)(env));
      const from = Math.min(Math.max(offset < 0 ? offset + bytes.length : offset, 0), bytes.length);
      if (length === null) return bytes.subarray(from).toString();
      const to = Math.min(length >= 0 ? length + from : Math.max(length + bytes.length, from), bytes.length);
      return bytes.subarray(from, to).toString();
    };
  }
}

function value(name: string): (env: Env) => string {
  return (env) => {
    if (!env.values.has(name)) env.unset.add(name);
    return env.values.get(name) ?? '';
  };
}

function render(items: Item[], env: Env): string {
  return items.map((i) => ('text' in i ? i.text : i.expand(env))).join('');
}

/** Substitutes one line; throws goose's message when the line cannot be substituted. */
export function envsub(line: string, values: ReadonlyMap<string, string>): EnvsubResult {
  const env: Env = { values, unset: new Set() };
  const text = render(new Parser(line).expression(), env);
  return { text, unset: [...env.unset] };
}
