/**
 * SARIF 2.1.0 for GitHub code scanning (`--output sarif`, the `sarif-file` input): one rule per
 * check with its summary and docs page, one result per finding at its repository-relative file,
 * line and column, with a fingerprint that survives unrelated edits. Findings silenced in their
 * file are results with an in-source suppression, so code scanning shows them as dismissed.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { Finding, Severity } from '../checks/check.ts';
import { checks } from '../checks/index.ts';
import { VERSION } from '../version.ts';
import { docsUrl } from './docs-url.ts';
import { directoryOf, findingColumn, fingerprints, repositoryPath, type PathBase } from './locations.ts';
import type { Report } from './report.ts';

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The key of our own fingerprint in `partialFingerprints` (versioned: a new recipe gets a new key). */
export const FINGERPRINT_KEY = 'migrateCheckFinding/v1';
const HOME = 'https://github.com/migrate-check/migrate-check';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A repository path as a URI reference: each segment percent-encoded; outside the root, a file: URI. */
function uri(path: string, directory = false): { uri: string; uriBaseId?: string } {
  const tail = directory && !path.endsWith('/') ? '/' : '';
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href + tail };
  // `:` is encoded too, so that a first segment never reads as a scheme; a lone surrogate cannot be.
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment.replace(LONE_SURROGATE, '\ufffd')))
    .join('/');
  return { uri: encoded + tail, uriBaseId: '%SRCROOT%' };
}

function location(report: Report, f: Finding, base: PathBase) {
  if (f.file === null) {
    const dir = directoryOf(report, f);
    return dir === null ? [] : [{ physicalLocation: { artifactLocation: uri(repositoryPath(dir, base), true) } }];
  }
  const column = findingColumn(report, f);
  const region =
    f.line !== null && f.line > 0 ? { startLine: f.line, ...(column ? { startColumn: column } : {}) } : null;
  return [
    {
      physicalLocation: {
        artifactLocation: uri(repositoryPath(f.file, base)),
        ...(region ? { region } : {}),
      },
    },
  ];
}

function rules(report: Report) {
  const known = new Map(checks.map((c) => [c.id as string, c]));
  const ids = [...known.keys()];
  const all = [...report.findings, ...(report.suppressed ?? [])];
  for (const f of all) if (!ids.includes(f.check)) ids.push(f.check);
  return ids.map((id) => {
    const check = known.get(id);
    const summary = check?.summary ?? `The ${id} check.`;
    const level = check?.defaultSeverity;
    return {
      id,
      name: id,
      shortDescription: { text: summary },
      fullDescription: { text: summary },
      helpUri: docsUrl(id),
      help: { text: `${summary} See ${docsUrl(id)}`, markdown: `${summary}\n\n[How to fix it](${docsUrl(id)})` },
      defaultConfiguration: level === 'off' || level === undefined ? { enabled: false } : { level: LEVEL[level] },
      properties: { tags: ['migrations', 'postgres'] },
    };
  });
}

/** The SARIF log of a run, as JSON text. */
export function renderSarif(report: Report, base: PathBase = {}): string {
  const ruleList = rules(report);
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const suppressed = report.suppressed ?? [];
  const all: (Finding & { reason?: string; onBase?: true })[] = [...report.findings, ...suppressed];
  const prints = fingerprints(all, base);
  const results = all.map((f, i) => ({
    ruleId: f.check,
    ruleIndex: index.get(f.check)!,
    level: LEVEL[f.severity],
    message: { text: `${f.message}\n\n${f.help}` },
    locations: location(report, f, base),
    partialFingerprints: { [FINGERPRINT_KEY]: prints[i]! },
    // Set aside by a marker in the file, or as already on the base branch (decided outside the file).
    ...(f.reason !== undefined
      ? { suppressions: [{ kind: f.onBase ? 'external' : 'inSource', justification: f.reason }] }
      : {}),
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'migrate-check', version: VERSION, informationUri: HOME, rules: ruleList },
        },
        // Postgres counts an error's position in characters.
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
