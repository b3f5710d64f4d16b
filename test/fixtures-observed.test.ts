// Every fixture's verdict with observation and seeding on, as a user runs it (the `observed` lane):
// `npm test` runs the fixtures about other checks without them (see fixture-verdicts.ts).
import { fixtureVerdicts } from './fixture-verdicts.ts';
import { sharedServer } from './helpers.ts';

fixtureVerdicts('all', sharedServer(), 'all');
