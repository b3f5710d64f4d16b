/** Compares two strings of digits as unsigned integers of any length (`9` < `10` < `0011`). */
export function compareNumeric(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
