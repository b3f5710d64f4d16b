/** The Action's inputs, read from the settings table: what action.yml declares, and their values. */
import { describe, SETTING_LIST, shownDefault, type Setting } from './settings.ts';

export interface InputDeclaration {
  description: string;
  required?: boolean;
  default?: string;
}

const INPUTS = SETTING_LIST.filter((s) => s.input);
const spec = (s: Setting) => (typeof s.input === 'object' ? s.input : {});

/** What the workflow reads about an input: the doc, and what happens when it is left unset. */
function description(s: Setting): string {
  const text = describe(s);
  const sentence = s.kind.choices ? `${text}.` : `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  if (spec(s).required) return sentence;
  if (spec(s).byDefault) return `${sentence} Default: ${spec(s).byDefault}.`;
  const shown = shownDefault(s);
  // A config file setting's input is empty by default, so that the config file decides.
  if (s.file) return `${sentence} Default: from the config file${shown ? `, else ${shown}` : ''}.`;
  return s.byDefault ? `${sentence} Default: ${s.byDefault}.` : sentence;
}

/** The `inputs:` of action.yml (scripts/action-yml.ts writes them; a test holds them equal). */
export function inputDeclarations(): Record<string, InputDeclaration> {
  return Object.fromEntries(
    INPUTS.map((s) => {
      if (spec(s).required) return [s.name, { description: description(s), required: true }];
      const runnerDefault = spec(s).default ?? (s.file || s.default === undefined ? '' : (shownDefault(s) ?? ''));
      return [s.name, { description: description(s), default: runnerDefault }];
    }),
  );
}

/**
 * The inputs the workflow set, keyed by name. The runner passes every input, with action.yml's
 * default when unset: an empty one is unset, and left to the config file and the defaults.
 */
export function readInputs(getInput: (name: string) => string): Record<string, string> {
  return Object.fromEntries(INPUTS.map((s) => [s.name, getInput(s.name)] as const).filter(([, v]) => v !== ''));
}
