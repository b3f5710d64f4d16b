import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePlan } from './sqitch-plan.ts';

/**
 * sqitch's plan files, case by case: each `follows` names a plan of sqitch's own test suite
 * (t/plans/*.plan, read by t/plan.t) or the rule of Plan.pm (`_parse`, `check_changes`) it checks.
 */
const BY = '2012-07-16T17:25:07Z Barack Obama <potus@whitehouse.gov>';
const HEAD = '%project=p\n# This is a note\n\n# And there was a blank line.\n';
const ok: { follows: string; plan: string; changes: [name: string, tags: string[], rework: string[]][] }[] = [
  {
    follows: 't/plans/changes-only.plan',
    plan: `${HEAD}\nhey ${BY}\nyou ${BY}\nwhatwhatwhat ${BY}\n`,
    changes: [
      ['hey', [], []],
      ['you', [], []],
      ['whatwhatwhat', [], []],
    ],
  },
  {
    follows: 't/plans/multi.plan (tags, a name with a slash, trailing notes)',
    plan:
      `${HEAD}\nhey 2012-07-16T17:25:07Z theory <t@heo.ry>\nyou ${BY}\n` +
      '@foo 2012-07-16T17:24:07Z julie <j@ul.ie> # a tag!\n' +
      `   \nthis/rocks  ${BY}\nhey-there ${BY} # trailing note!\n@bar ${BY}\n@baz ${BY}\n`,
    changes: [
      ['hey', [], []],
      ['you', ['foo'], []],
      ['this/rocks', [], []],
      ['hey-there', ['bar', 'baz'], []],
    ],
  },
  {
    follows: 't/plans/dupe-change-diff-tag.plan (a change planned again after a tag is reworked)',
    plan: `%project=p\n\nwhatever ${BY}\n@foo ${BY}\n\nhi ${BY}\n@bar ${BY}\n\ngreets ${BY}\nwhatever ${BY}\n`,
    changes: [
      ['whatever', ['foo'], ['foo', 'bar']],
      ['hi', ['bar'], []],
      ['greets', [], []],
      ['whatever', [], []],
    ],
  },
  {
    follows: 't/plans/dos.plan (CRLF line ends)',
    plan: `${HEAD}\nhey ${BY}\nyou ${BY}\n`.replaceAll('\n', '\r\n'),
    changes: [
      ['hey', [], []],
      ['you', [], []],
    ],
  },
  {
    follows: 'check_changes: a dependency planned earlier, and one on an earlier tag',
    plan: `%project=p\n\nroles ${BY}\nusers [roles] ${BY}\n@alpha ${BY}\n\nadd_user [users@alpha roles] ${BY}\n`,
    changes: [
      ['roles', [], []],
      ['users', ['alpha'], []],
      ['add_user', [], []],
    ],
  },
];
for (const c of ok) {
  test(`sqitch plan: ${c.follows}`, () => {
    assert.deepEqual(
      parsePlan(c.plan).changes.map((x) => [x.name, x.tags, x.reworkTags]),
      c.changes,
    );
  });
}

const refused: { follows: string; plan: string; error: RegExp }[] = [
  {
    follows: 't/plans/bad-change.plan',
    plan: `${HEAD}what what what ${BY} # OHNOEZ, No white space allowed!\n`,
    error: /line 5: Invalid name/,
  },
  {
    follows: 't/plans/dupe-change.plan',
    plan: `%project=p\n\nwhatever ${BY}\n@foo ${BY}\n\nhi ${BY}\ngreets ${BY}\ntallyho ${BY}\ngreets ${BY}\n`,
    error: /line 9: Change "greets" duplicates earlier declaration on line 7/,
  },
  {
    follows: 't/plans/dupe-tag.plan',
    plan: `%project=p\n\nwhatever ${BY}\n@foo ${BY}\n\nhi ${BY}\n@bar ${BY}\n\n@blah ${BY}\n@bar ${BY}\n`,
    error: /Tag "bar" duplicates earlier declaration on line 7/,
  },
  {
    follows: 't/plans/reserved-tag.plan',
    plan: `%project=p\n\nhey ${BY}\n@foo ${BY}\n\n@bar ${BY}\n@HEAD ${BY}\n`,
    error: /"@HEAD" is a reserved name/,
  },
  {
    follows: '_parse: Missing %project pragma',
    plan: `%syntax-version=1.0.0\n\nhey ${BY}\n`,
    error: /Missing %project/,
  },
  {
    follows: '_parse: Missing timestamp',
    plan: '%project=p\n\nhey Barack Obama <potus@whitehouse.gov>\n',
    error: /Missing timestamp/,
  },
  {
    follows: 'check_changes: planned before its required change',
    plan: `%project=p\n\nusers_nickname [users] ${BY}\nusers ${BY}\n`,
    error: /Change "users_nickname" planned 1 change before required change "users"/,
  },
  {
    follows: 'check_changes: an unknown change',
    plan: `%project=p\n\nusers [roles] ${BY}\n`,
    error: /Unknown change "roles" required by change "users"/,
  },
  {
    follows: '_parse: a tag without a preceding change',
    plan: `%project=p\n\n@foo ${BY}\n`,
    error: /Tag "foo" declared without a preceding change/,
  },
];
for (const c of refused) {
  test(`sqitch plan refused: ${c.follows}`, () => {
    assert.throws(() => parsePlan(c.plan), c.error);
  });
}
