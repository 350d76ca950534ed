import { z } from 'zod';
import { IsoDateTime } from './common.js';

// ---- the script library: named, versioned scripts with parameters -----------

/** A parameter's value reaches the script as a shell variable of this name. */
export const ScriptParameter = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name: letters, digits, _'),
  label: z.string().max(120).nullable().default(null),
  default: z.string().max(4096).nullable().default(null),
  required: z.boolean().default(false),
});
export type ScriptParameter = z.infer<typeof ScriptParameter>;

export const ScriptTargetOs = z.enum(['any', 'linux', 'macos', 'windows']);

const ScriptFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000),
  targetOs: ScriptTargetOs,
  shell: z.enum(['sh', 'bash', 'powershell', 'cmd']),
  body: z.string().min(1).max(65_536),
  parameters: z.array(ScriptParameter).max(32),
};

/** `POST /api/v1/scripts`. */
export const ScriptCreate = z.object({
  name: ScriptFields.name,
  description: ScriptFields.description.default(''),
  targetOs: ScriptFields.targetOs.default('any'),
  shell: ScriptFields.shell.default('sh'),
  body: ScriptFields.body,
  parameters: ScriptFields.parameters.default([]),
});
export type ScriptCreate = z.infer<typeof ScriptCreate>;

/** `PATCH /api/v1/scripts/{id}`: a change of shell, body or parameters makes a new version. */
export const ScriptUpdate = z
  .object({
    name: ScriptFields.name,
    description: ScriptFields.description,
    targetOs: ScriptFields.targetOs,
    shell: ScriptFields.shell,
    body: ScriptFields.body,
    parameters: ScriptFields.parameters,
  })
  .partial();
export type ScriptUpdate = z.infer<typeof ScriptUpdate>;

export const Script = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  targetOs: ScriptTargetOs,
  /** The current version's number (1 for a new script). */
  version: z.number().int(),
  shell: ScriptFields.shell,
  body: z.string(),
  parameters: z.array(ScriptParameter),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Script = z.infer<typeof Script>;

export const ScriptList = z.object({ items: z.array(Script), total: z.number().int() });

/** One stored version, as `GET /api/v1/scripts/{id}/versions` lists them (newest first). */
export const ScriptVersion = z.object({
  version: z.number().int(),
  shell: ScriptFields.shell,
  body: z.string(),
  parameters: z.array(ScriptParameter),
  createdAt: IsoDateTime,
  createdBy: z.string().nullable(),
});
export const ScriptVersionList = z.object({ items: z.array(ScriptVersion) });

export const ScriptIdParams = z.object({ id: z.string().min(1).max(64) });
