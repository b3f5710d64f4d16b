// Half 1 of the fixtures' verdicts (the other half runs beside it, on a server of its own): see fixture-verdicts.ts.
import { fixtureVerdicts } from './fixture-verdicts.ts';
import { sharedServer } from './helpers.ts';

fixtureVerdicts(1, sharedServer());
