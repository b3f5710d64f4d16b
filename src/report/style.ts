/** ANSI styling that is a no-op when colour is off (not a TTY, NO_COLOR, --no-color). */
export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  blue(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function style(color: boolean): Style {
  const id = (s: string) => s;
  return color
    ? {
        red: wrap(31, 39),
        yellow: wrap(33, 39),
        green: wrap(32, 39),
        blue: wrap(34, 39),
        dim: wrap(2, 22),
        bold: wrap(1, 22),
      }
    : { red: id, yellow: id, green: id, blue: id, dim: id, bold: id };
}
