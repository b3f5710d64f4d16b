/**
 * Text printed where a GitHub Actions runner reads it (stdout and stderr of a step) must not
 * carry workflow commands it did not mean. The runner reads a line as a command when, after
 * leading whitespace, it starts with `::` (`::add-mask::…`, `::stop-commands::…`, `::error::…`)
 * and, in the legacy syntax, when `##[` appears anywhere in it (`##[add-mask]…`). File and
 * object names are untrusted and may hold newlines, `::` and `##[`.
 *
 * NOTE: prefixing such a line with a space does not help: the runner trims leading whitespace
 * before it looks for `::`. Lines are neutralised visibly instead: a backslash before a leading
 * `::` and inside `##[`, so the log shows `\::add-mask::x` and `##\[add-mask]x`, which the
 * runner prints as text. Our own annotation lines are rendered separately, with every value
 * escaped as @actions/core escapes it, and are never passed through here.
 */
export function neutraliseCommands(text: string): string {
  // The runner ends a line at \n, \r\n and a lone \r; it trims .NET whitespace, which adds NEL.
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 ? part : part.replace(/^([\s\u0085]*)::/, '$1\\::').replaceAll('##[', '##\\[')))
    .join('');
}

/**
 * JSON for a runner's log: `##[` only occurs inside strings, where `[` may be written `\u005b`
 * without changing the data (JSON lines never start with `::`).
 */
export function neutraliseJson(json: string): string {
  return json.replaceAll('##[', '##\\u005b');
}
