import type { Check } from './check.ts';

export const seedFile: Check = {
  id: 'seed-file',
  defaultSeverity: 'error',
  summary: 'One of your seed files (`seed-files`) fails, so the data checks run without the rows it was meant to give.',
  run({ replay }) {
    return (replay?.seeding ?? []).flatMap((record) =>
      (record.files ?? [])
        .filter((f) => f.error !== undefined)
        .map((f) => ({
          file: f.file,
          line: f.line ?? null,
          message:
            `The seed file ${f.file} fails before migration ${record.version}: ${f.error}. ` +
            'Its rows are not in the tables, so the data checks ran on generated rows (or none) instead.',
          help:
            'Fix the seed file so it runs on the schema as it is after the migration its name points at ' +
            '(its INSERTs name existing tables and columns), or remove it.',
        })),
    );
  },
};
