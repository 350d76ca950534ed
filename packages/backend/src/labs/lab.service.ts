import { randomUUID } from 'node:crypto';
import type { Lab, LabCreate, LabUpdate } from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import { ApiError, notFound } from '../http/errors.js';
import type { LabRepository, LabRow, LabWithCount } from './lab.repository.js';

export function toLab(row: LabWithCount): Lab {
  return {
    id: row.id,
    name: row.name,
    building: row.building,
    room: row.room,
    rows: row.rows,
    cols: row.cols,
    computerCount: row.computer_count,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const nameTaken = (name: string) =>
  new ApiError(409, 'lab_name_taken', `a lab named "${name}" exists already`, { field: 'name' });

/** Administrators create, change and delete labs; every change is audited. */
export class LabService {
  constructor(
    private readonly labs: LabRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(body: LabCreate, actor: UserActor): Promise<LabWithCount> {
    const nameKey = body.name.toLowerCase();
    if (await this.labs.findByNameKey(nameKey)) throw nameTaken(body.name);
    const now = Date.now();
    const row: LabRow = {
      id: randomUUID(),
      name: body.name,
      name_key: nameKey,
      building: body.building ?? null,
      room: body.room ?? null,
      rows: body.rows,
      cols: body.cols,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.labs.insert(row);
    } catch (err) {
      // Two creations racing for one name: the unique index decides.
      if (await this.labs.findByNameKey(nameKey)) throw nameTaken(body.name);
      throw err;
    }
    await this.record(actor, 'lab.create', row.id, {
      name: row.name,
      building: row.building,
      room: row.room,
      rows: row.rows,
      cols: row.cols,
    });
    return { ...row, computer_count: 0 };
  }

  async update(id: string, body: LabUpdate, actor: UserActor): Promise<LabWithCount> {
    const before = await this.labs.findById(id);
    if (!before) throw notFound('lab');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const patch: Parameters<LabRepository['update']>[1] = {};
    if (body.name !== undefined && body.name !== before.name) {
      const nameKey = body.name.toLowerCase();
      const holder = await this.labs.findByNameKey(nameKey);
      if (holder && holder.id !== id) throw nameTaken(body.name);
      patch.name = body.name;
      patch.name_key = nameKey;
      changes.name = { from: before.name, to: body.name };
    }
    for (const key of ['building', 'room', 'rows', 'cols'] as const) {
      const value = body[key];
      if (value !== undefined && value !== before[key]) {
        (patch as Record<string, unknown>)[key] = value;
        changes[key] = { from: before[key], to: value };
      }
    }
    if (Object.keys(patch).length === 0) return before;
    const rows = patch.rows ?? before.rows;
    const cols = patch.cols ?? before.cols;
    if (rows < before.rows || cols < before.cols) {
      const outside = await this.labs.seatedOutside(id, rows, cols);
      if (outside.length > 0) {
        throw new ApiError(
          409,
          'seats_outside_grid',
          `${outside.length} computer(s) sit outside a ${rows} × ${cols} grid (${outside
            .slice(0, 5)
            .map((c) => c.hostname)
            .join(', ')}); move them first`,
          { computers: outside.map((c) => c.id) },
        );
      }
    }
    await this.labs.update(id, { ...patch, updated_at: Date.now() });
    await this.record(actor, 'lab.update', id, { name: before.name, changes });
    const after = await this.labs.findById(id);
    if (!after) throw notFound('lab');
    return after;
  }

  async delete(id: string, actor: UserActor): Promise<void> {
    const before = await this.labs.findById(id);
    if (!before) throw notFound('lab');
    const { deleted, unassigned } = await this.labs.delete(id);
    if (!deleted) throw notFound('lab');
    await this.record(actor, 'lab.delete', id, { name: before.name, unassignedComputers: unassigned });
  }

  private async record(actor: UserActor, action: string, labId: string, details: Record<string, unknown>) {
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action,
      target_type: 'lab',
      target_id: labId,
      ip: actor.ip,
      details,
    });
  }
}
