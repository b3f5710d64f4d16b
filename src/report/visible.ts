/**
 * User-derived text (file names, object names, messages from Postgres) as it may reach a
 * terminal: control characters would move the cursor, recolour, retitle or clear the screen,
 * and bidirectional overrides would reorder what is read. They are shown as escapes instead,
 * with or without colour: newline → `\n`, tab → `\t`, ESC → `\x1B`, C1 controls and bidi
 * controls → `\u009B`, `\u202E`.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const code = c.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return NAMED[c] ?? (code < 0x100 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex}`);
}

/** A name on one line: every control shown as an escape, newlines included. */
export function visible(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** A message that may span lines: newlines kept, every other control shown as an escape. */
export function visibleLines(text: string): string {
  return text.replace(CONTROLS_BUT_NEWLINE, escape);
}
