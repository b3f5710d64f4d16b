/** Markdown text that user-derived strings cannot break out of: cells, code spans, fenced blocks. */

/** Text for a table cell: no pipe, no raw HTML, no line break can escape the cell. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}

const longestBacktickRun = (text: string) => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/**
 * A code span that holds any text, backticks included, inside a table cell: entities are not
 * decoded in code, so only the pipe is escaped (GitHub reads `\|` as `|` there).
 */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat.replace(/\|/g, '\\|')}${pad}${ticks}`;
}

/** A message for a table cell: its `quoted` names as code, the rest as escaped text. */
export function inline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`') ? code(part.slice(1, -1)) : cell(part),
    )
    .join('');
}

/** A fenced block that its content cannot close: a fence longer than any backtick run in it. */
export function fenced(language: string, content: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  return `${fence}${language}\n${content}\n${fence}`;
}
