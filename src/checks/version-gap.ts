import { shownFile } from '../migration.ts';
import type { Check, CheckResult } from './check.ts';

/**
 * Gaps in sequential numbering (`0003` then `0005`), for teams whose convention is one number
 * after the other. Off by default: many projects leave gaps on purpose (harbor), and
 * timestamp versions always have them.
 */
export const versionGap: Check = {
  id: 'version-gap',
  defaultSeverity: 'off',
  summary: 'A gap in sequentially numbered versions (opt-in).',
  run({ set }) {
    const numbered = set.migrations.filter((m) => !m.repeatable && /^\d{1,8}$/.test(m.version));
    const out: CheckResult[] = [];
    for (let i = 1; i < numbered.length; i++) {
      const [prev, next] = [BigInt(numbered[i - 1]!.version), BigInt(numbered[i]!.version)];
      if (next - prev <= 1n) continue;
      const m = numbered[i]!;
      const file = m.up?.file ?? m.down?.file ?? m.code ?? set.directory;
      const missing = next - prev === 2n ? `${prev + 1n}` : `${prev + 1n}–${next - 1n}`;
      out.push({
        file,
        line: null,
        message:
          `${shownFile(set.directory, file)} (version ${m.version}) follows ` +
          `version ${numbered[i - 1]!.version}: version ${missing} is missing.`,
        help: 'Renumber the migration to follow the previous one, or check whether a migration was lost in a merge.',
      });
    }
    return out;
  },
};
