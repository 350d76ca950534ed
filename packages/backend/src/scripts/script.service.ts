import { randomUUID } from 'node:crypto';
import type { Script, ScriptCreate, ScriptParameter, ScriptUpdate } from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import { ApiError, notFound } from '../http/errors.js';
import type { ScriptRepository, ScriptVersionRow, ScriptWithVersion } from './script.repository.js';

export function toScript(row: ScriptWithVersion): Script {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    targetOs: row.target_os,
    version: row.current_version,
    shell: row.shell,
    body: row.body,
    parameters: JSON.parse(row.parameters) as ScriptParameter[],
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export function toVersion(row: ScriptVersionRow) {
  return {
    version: row.version,
    shell: row.shell,
    body: row.body,
    parameters: JSON.parse(row.parameters) as ScriptParameter[],
    createdAt: new Date(Number(row.created_at)).toISOString(),
    createdBy: row.created_by,
  };
}

const nameTaken = (name: string) =>
  new ApiError(409, 'script_name_taken', `a script named "${name}" exists already`, { field: 'name' });

function checkParameters(shell: string, parameters: readonly ScriptParameter[]): void {
  const names = new Set<string>();
  for (const p of parameters) {
    if (names.has(p.name))
      throw new ApiError(400, 'validation_failed', `body.parameters: "${p.name}" appears twice`, {
        field: 'body.parameters',
      });
    names.add(p.name);
  }
  if (shell === 'cmd' && parameters.length > 0) {
    throw new ApiError(
      400,
      'validation_failed',
      'body.parameters: cmd scripts take no parameters (use powershell)',
      {
        field: 'body.parameters',
      },
    );
  }
}

/** Operators and admins keep the script library; every change is audited, every edit a new version. */
export class ScriptService {
  constructor(
    private readonly scripts: ScriptRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(body: ScriptCreate, actor: UserActor): Promise<Script> {
    checkParameters(body.shell, body.parameters);
    const nameKey = body.name.toLowerCase();
    if (await this.scripts.findByNameKey(nameKey)) throw nameTaken(body.name);
    const now = Date.now();
    const id = randomUUID();
    await this.scripts.insert(
      {
        id,
        name: body.name,
        name_key: nameKey,
        description: body.description,
        target_os: body.targetOs,
        current_version: 1,
        created_by: actor.user.id,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      },
      {
        script_id: id,
        version: 1,
        shell: body.shell,
        body: body.body,
        parameters: JSON.stringify(body.parameters),
        created_by: actor.user.id,
        created_at: now,
      },
    );
    await this.record(actor, 'script.create', id, { name: body.name, version: 1 });
    return this.get(id);
  }

  async get(id: string): Promise<Script> {
    const row = await this.scripts.find(id);
    if (!row) throw notFound('script');
    return toScript(row);
  }

  async update(id: string, body: ScriptUpdate, actor: UserActor): Promise<Script> {
    const row = await this.scripts.find(id);
    if (!row) throw notFound('script');
    const shell = body.shell ?? row.shell;
    const parameters = body.parameters ?? (JSON.parse(row.parameters) as ScriptParameter[]);
    const text = body.body ?? row.body;
    checkParameters(shell, parameters);
    if (body.name !== undefined && body.name.toLowerCase() !== row.name_key) {
      if (await this.scripts.findByNameKey(body.name.toLowerCase())) throw nameTaken(body.name);
    }
    const changed = shell !== row.shell || text !== row.body || JSON.stringify(parameters) !== row.parameters;
    const now = Date.now();
    const version = changed
      ? {
          script_id: id,
          version: row.current_version + 1,
          shell,
          body: text,
          parameters: JSON.stringify(parameters),
          created_by: actor.user.id,
          created_at: now,
        }
      : null;
    await this.scripts.update(
      id,
      {
        ...(body.name !== undefined ? { name: body.name, name_key: body.name.toLowerCase() } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.targetOs !== undefined ? { target_os: body.targetOs } : {}),
        updated_at: now,
      },
      version,
    );
    await this.record(actor, 'script.update', id, {
      fields: Object.keys(body),
      version: version?.version ?? row.current_version,
    });
    return this.get(id);
  }

  async remove(id: string, actor: UserActor): Promise<void> {
    const row = await this.scripts.find(id);
    if (!row) throw notFound('script');
    await this.scripts.softDelete(id, Date.now());
    await this.record(actor, 'script.delete', id, { name: row.name });
  }

  async versions(id: string) {
    if (!(await this.scripts.find(id))) throw notFound('script');
    return { items: (await this.scripts.versions(id)).map(toVersion) };
  }

  private async record(actor: UserActor, action: string, id: string, details: unknown): Promise<void> {
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action,
      target_type: 'script',
      target_id: id,
      ip: actor.ip,
      details,
    });
  }
}
