// Writes the `inputs:` of action.yml from the settings table (src/settings.ts); the rest of the
// file is kept. Run it after changing a setting that is an Action input:
//   node scripts/action-yml.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { inputDeclarations } from '../src/action-inputs.ts';

const file = join(import.meta.dirname, '..', 'action.yml');
const document = parseDocument(readFileSync(file, 'utf8'));
document.set('inputs', document.createNode(inputDeclarations()));
writeFileSync(file, document.toString({ lineWidth: 0 }));
