// The release workflow, read as YAML: what starts it, and that the npm package is published and the
// major tag moved only after the tests and the dist/ check pass, each with only the permissions it needs.
// Also: every workflow parses, and the version the CLI prints is package.json's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { VERSION } from '../src/version.ts';
import { ROOT } from './helpers.ts';

interface Step {
  uses?: string;
  run?: string;
  name?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const read = (file: string) => parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
const release = read('release.yml');
const needs = (job: Job) => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

test('every workflow parses as YAML, with jobs that have steps', () => {
  for (const file of readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
    const workflow = read(file);
    assert.ok(workflow.on, `${file}: no trigger`);
    for (const [name, job] of Object.entries(workflow.jobs)) assert.ok(job.steps.length, `${file}: ${name}`);
  }
});

test('release: started by a published release or a v*.*.* tag, read-only unless a job says otherwise', () => {
  assert.deepEqual(release.on, { release: { types: ['published'] }, push: { tags: ['v*.*.*'] } });
  assert.deepEqual(release.permissions, { contents: 'read' });
  assert.deepEqual(Object.keys(release.jobs), ['verify', 'publish', 'major-tag']);
});

test('release: verify runs npm ci, npm test and the dist/ check, on the tag that names the version', () => {
  const { verify } = release.jobs;
  assert.deepEqual(needs(verify!), []);
  assert.equal(verify!.permissions, undefined, 'the workflow default: contents read');
  const commands = verify!.steps.map((s) => s.run ?? s.uses ?? '');
  const at = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));
  const order = [
    /TAG" != "v\$version"/,
    /^npm ci$/,
    /^npm test$/,
    /node scripts\/build\.ts\n\s*git diff --exit-code --text dist\//,
  ];
  const found = order.map(at);
  assert.ok(
    found.every((i) => i >= 0),
    `${found} in ${JSON.stringify(commands)}`,
  );
  assert.deepEqual(
    [...found].sort((a, b) => a - b),
    found,
    'in this order',
  );
});

test('release: publish needs verify, publishes with provenance and the npm token, and holds id-token: write', () => {
  const { publish } = release.jobs;
  assert.deepEqual(needs(publish!), ['verify']);
  assert.deepEqual(publish!.permissions, { contents: 'read', 'id-token': 'write' });
  const step = publish!.steps.find((s) => /npm publish/.test(s.run ?? ''))!;
  assert.match(step.run!, /npm publish --provenance --access public\n/);
  assert.equal(step.env!.NODE_AUTH_TOKEN, '${{ secrets.NPM_TOKEN }}');
  const setup = publish!.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
  assert.equal(setup.with!['registry-url'], 'https://registry.npmjs.org');
});

test('release: the major tag moves to the release commit only after verify and publish, never for a pre-release', () => {
  const job = release.jobs['major-tag']!;
  assert.deepEqual(needs(job).sort(), ['publish', 'verify']);
  assert.deepEqual(job.permissions, { contents: 'write' });
  assert.match(job.if!, /!github\.event\.release\.prerelease/);
  assert.match(job.if!, /!contains\(.*'-'\)/);
  const script = runs(job);
  assert.match(script, /major="\$\{TAG%%\.\*\}"/);
  assert.match(script, /git tag --force "\$major" "\$GITHUB_SHA"/);
  assert.match(script, /git push --force origin "refs\/tags\/\$major"/);
  // The tag each job reads is the release's, whichever event started the run.
  assert.equal(release.env!.TAG, '${{ github.event.release.tag_name || github.ref_name }}');
  const major = (tag: string) =>
    execFileSync('sh', ['-c', 'major="${TAG%%.*}"; printf %s "$major"'], { env: { TAG: tag }, encoding: 'utf8' });
  assert.equal(major('v1.2.3'), 'v1');
  assert.equal(major('v12.0.1'), 'v12');
});

test('the version the CLI prints is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string };
  assert.equal(VERSION, pkg.version);
  assert.equal(pkg.license, 'MIT');
  assert.match(
    readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
    /^MIT License\n\nCopyright \(c\) migrate-check contributors\n/,
  );
});
