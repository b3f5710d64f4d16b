/**
 * JUnit XML (`--output junit`, the `junit-file` input) for CI test reports (GitLab
 * `artifacts:reports:junit`, Jenkins, the test-report actions on GitHub): per directory, one test
 * case per replay step (each migration's up, down and re-up, with its time), a skipped case for
 * the migrations that were not checked; then one test case per check that found something,
 * failing when its findings reach `fail-on`.
 */
import type { Finding } from '../checks/check.ts';
import { CHECK_IDS } from '../checks/check-ids.ts';
import type { Step } from '../replay.ts';
import { docsUrl } from './docs-url.ts';
import { findingColumn, repositoryPath, type PathBase } from './locations.ts';
import { fails, type DirectoryReport, type Report } from './report.ts';

/**
 * Characters XML 1.0 cannot carry at all, even as references (controls, lone surrogates,
 * U+FFFE/U+FFFF): shown as escapes such as `\x1B`, as the terminal shows them.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const shown = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase()}`;
};
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Element text: markup escaped, line breaks kept (a CR as a reference: a parser would turn it into LF). */
export function xmlText(s: string): string {
  return s
    .replace(NOT_XML, shown)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/\r/g, '&#13;');
}

/** An attribute value: as text, and line breaks and tabs as references (a parser would fold them to spaces). */
export function xmlAttribute(s: string): string {
  return xmlText(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** ` name="…" time="…"`: each value escaped; absent ones left out. */
const attributes = (values: Record<string, string | number | undefined>) =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttribute(String(v))}"`)
    .join('');

interface Case {
  name: string;
  classname: string;
  time: number;
  file?: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
}

function stepName(step: Step): string {
  const what = step.direction === 'up' && step.attempt === 2 ? 're-up' : step.direction;
  return `${step.version}_${step.name} ${what}`;
}

function stepCase(dir: DirectoryReport, step: Step, base: PathBase): Case {
  const file = repositoryPath(step.file, base);
  const c: Case = { name: stepName(step), classname: dir.path, time: step.durationMs, file };
  if (step.status === 'skipped') c.skipped = 'not run: an earlier step failed';
  if (step.status === 'failed') {
    const e = step.error;
    const where = e
      ? `${repositoryPath(e.file, base)}${e.line ? `:${e.line}${e.located ? `:${e.column}` : ''}` : ''}`
      : file;
    const lines = [
      where,
      e?.message ?? 'The step failed.',
      e?.detail && `DETAIL: ${e.detail}`,
      e?.hint && `HINT: ${e.hint}`,
    ];
    c.failure = {
      message: e ? `${e.message} (SQLSTATE ${e.code})` : 'The step failed.',
      type: e?.code ?? 'failed',
      body: lines.filter(Boolean).join('\n'),
    };
  }
  return c;
}

function findingLine(report: Report, f: Finding, base: PathBase): string {
  const column = findingColumn(report, f);
  const at = f.file
    ? `${repositoryPath(f.file, base)}${f.line ? `:${f.line}${column ? `:${column}` : ''}` : ''}: `
    : '';
  return `${f.severity}: ${at}${f.message}\n  ${f.help}`;
}

/** One case per check that found something, in the registry's order: failing when a finding reaches fail-on. */
function checkCases(report: Report, base: PathBase): Case[] {
  const ids = [...new Set(report.findings.map((f) => f.check))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return ids.map((id) => {
    const found = report.findings.filter((f) => f.check === id);
    const failing = found.filter((f) => fails(f.severity, report.failOn));
    const body = [...found.map((f) => findingLine(report, f, base)), `See ${docsUrl(id)}`].join('\n\n');
    const c: Case = { name: id, classname: 'migrate-check.checks', time: 0 };
    if (failing.length) {
      const first = failing[0]!;
      const more = failing.length > 1 ? ` (and ${failing.length - 1} more)` : '';
      c.failure = { message: `${first.message}${more}`, type: first.severity, body };
    } else c.out = body;
    return c;
  });
}
const rank = (id: string) => {
  const i = (CHECK_IDS as readonly string[]).indexOf(id);
  return i < 0 ? CHECK_IDS.length : i;
};

function renderCase(c: Case): string {
  const { name, classname, file } = c;
  const open = `    <testcase${attributes({ name, classname, file, time: seconds(c.time) })}`;
  const inner: string[] = [];
  if (c.failure) {
    const failure = attributes({ message: c.failure.message, type: c.failure.type });
    inner.push(`      <failure${failure}>${xmlText(c.failure.body)}</failure>`);
  }
  if (c.skipped !== undefined) inner.push(`      <skipped${attributes({ message: c.skipped })}/>`);
  if (c.out) inner.push(`      <system-out>${xmlText(c.out)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

/** The counts JUnit readers total: tests, failures, errors (none: a failed step is a failure), skipped. */
const counts = (cases: Case[]) => ({
  tests: cases.length,
  failures: cases.filter((c) => c.failure).length,
  errors: 0,
  skipped: cases.filter((c) => c.skipped !== undefined).length,
});

function renderSuite(name: string, cases: Case[]): string {
  const time = seconds(cases.reduce((sum, c) => sum + c.time, 0));
  const open = `  <testsuite${attributes({ name, ...counts(cases), time })}`;
  return cases.length ? `${open}>\n${cases.map(renderCase).join('\n')}\n  </testsuite>` : `${open}/>`;
}

/** The JUnit XML of a run. */
export function renderJunit(report: Report, base: PathBase = {}): string {
  const suites: { name: string; cases: Case[] }[] = report.directories.map((dir) => ({
    name: `${dir.path} (${dir.format}, ${dir.roundtrip})`,
    cases: [
      ...dir.steps.map((step) => stepCase(dir, step, base)),
      ...(dir.notChecked ?? []).map((n) => ({
        name: `not checked: ${n.versions.join(', ')}`,
        classname: dir.path,
        time: 0,
        skipped: n.reason,
      })),
    ],
  }));
  suites.push({ name: 'migrate-check checks', cases: checkCases(report, base) });
  const all = suites.flatMap((s) => s.cases);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'migrate-check', ...counts(all), time: seconds(report.durationMs) })}>`,
    ...suites.map((s) => renderSuite(s.name, s.cases)),
    '</testsuites>',
    '',
  ].join('\n');
}
