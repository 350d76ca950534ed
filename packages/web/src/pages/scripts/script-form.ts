import type { Script, ScriptCreate, ScriptParameter, ScriptUpdate } from '@labmgr/protocol';
import type { Shell } from '../../features/actions/types.js';

export type TargetOs = Script['targetOs'];

export interface ParamForm {
  /** Stable React key while rows are added and removed. */
  key: string;
  name: string;
  label: string;
  default: string;
  required: boolean;
}

export interface ScriptForm {
  name: string;
  description: string;
  targetOs: TargetOs;
  shell: Shell;
  body: string;
  parameters: ParamForm[];
}

export type ScriptFormErrors = Partial<Record<'name' | 'body', string>> & { params?: Record<string, string> };

let nextKey = 0;
export const newParamKey = (): string => `p${++nextKey}`;

export const EMPTY_SCRIPT: ScriptForm = {
  name: '',
  description: '',
  targetOs: 'linux',
  shell: 'sh',
  body: '',
  parameters: [],
};

export function scriptToForm(s: Script): ScriptForm {
  return {
    name: s.name,
    description: s.description,
    targetOs: s.targetOs,
    shell: s.shell,
    body: s.body,
    parameters: s.parameters.map((p) => ({
      key: newParamKey(),
      name: p.name,
      label: p.label ?? '',
      default: p.default ?? '',
      required: p.required,
    })),
  };
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What stops the form from being saved, per field, in words; empty when it can be. */
export function scriptFormErrors(f: ScriptForm): ScriptFormErrors {
  const errors: ScriptFormErrors = {};
  if (f.name.trim() === '') errors.name = 'Give the script a name.';
  else if (f.name.trim().length > 120) errors.name = 'At most 120 characters.';
  if (f.body.trim() === '') errors.body = 'Write what the script does.';
  const params: Record<string, string> = {};
  const seen = new Set<string>();
  for (const p of f.parameters) {
    if (!VARIABLE.test(p.name))
      params[p.key] = 'A variable name: letters, digits and _, not starting with a digit.';
    else if (seen.has(p.name)) params[p.key] = `${p.name} is already a parameter.`;
    seen.add(p.name);
  }
  if (Object.keys(params).length > 0) errors.params = params;
  return errors;
}

export const hasErrors = (e: ScriptFormErrors): boolean => Object.keys(e).length > 0;

function toParameters(f: ScriptForm): ScriptParameter[] {
  return f.parameters.map((p) => ({
    name: p.name,
    label: p.label.trim() === '' ? null : p.label.trim(),
    default: p.default === '' ? null : p.default,
    required: p.required,
  }));
}

export function scriptCreate(f: ScriptForm): ScriptCreate {
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    targetOs: f.targetOs,
    shell: f.shell,
    body: f.body,
    parameters: toParameters(f),
  };
}

/** Only what changed, so a rename alone does not make a new version. */
export function scriptUpdate(f: ScriptForm, original: Script): ScriptUpdate {
  const next = scriptCreate(f);
  const update: ScriptUpdate = {};
  if (next.name !== original.name) update.name = next.name;
  if (next.description !== original.description) update.description = next.description;
  if (next.targetOs !== original.targetOs) update.targetOs = next.targetOs;
  if (next.shell !== original.shell) update.shell = next.shell;
  if (next.body !== original.body) update.body = next.body;
  if (JSON.stringify(next.parameters) !== JSON.stringify(original.parameters))
    update.parameters = next.parameters;
  return update;
}

export const TARGET_OS_LABEL: Record<TargetOs, string> = {
  any: 'Any OS',
  linux: 'Linux',
  macos: 'macOS',
  windows: 'Windows',
};
