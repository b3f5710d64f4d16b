// The published SARIF 2.1.0 schema (see README.md here) as a validator: draft-04, with its formats
// (uri, uri-reference, date-time) checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import draft04 from 'ajv-draft-04';
import formats from 'ajv-formats';

// Both are CommonJS modules whose export is also their `default`.
const Ajv = draft04.default;
const addFormats = formats.default;

const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validator = ajv.compile(schema);

/** The schema's complaints about `log` (an empty list when it is valid). */
export function sarifErrors(log: unknown): string[] {
  if (validator(log)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
