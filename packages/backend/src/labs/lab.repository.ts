import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, LabsTable } from '../db/schema.js';

export type LabRow = Selectable<LabsTable>;
export type LabWithCount = LabRow & { computer_count: number };

export class LabRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private withCounts() {
    return this.db
      .selectFrom('labs')
      .selectAll('labs')
      .select((eb) =>
        eb
          .selectFrom('computers')
          .select((c) => c.fn.countAll<number>().as('n'))
          .whereRef('computers.lab_id', '=', 'labs.id')
          .where('computers.retired', '=', 0)
          .as('computer_count'),
      );
  }

  async list(): Promise<LabWithCount[]> {
    const rows = await this.withCounts().orderBy('labs.name_key').execute();
    return rows.map((r) => ({ ...r, computer_count: Number(r.computer_count ?? 0) }));
  }

  async findById(id: string): Promise<LabWithCount | undefined> {
    const row = await this.withCounts().where('labs.id', '=', id).executeTakeFirst();
    return row ? { ...row, computer_count: Number(row.computer_count ?? 0) } : undefined;
  }

  findByNameKey(nameKey: string): Promise<LabRow | undefined> {
    return this.db.selectFrom('labs').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
  }

  async exists(id: string): Promise<boolean> {
    return (
      (await this.db.selectFrom('labs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    );
  }

  async insert(row: LabRow): Promise<void> {
    await this.db.insertInto('labs').values(row).execute();
  }

  async update(id: string, patch: Updateable<Omit<LabsTable, 'id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('labs').set(patch).where('id', '=', id).execute();
  }

  /** Seated, unretired computers of the lab outside a `rows` × `cols` grid. */
  async seatedOutside(id: string, rows: number, cols: number): Promise<{ id: string; hostname: string }[]> {
    return this.db
      .selectFrom('computers')
      .select(['id', 'hostname'])
      .where('lab_id', '=', id)
      .where('retired', '=', 0)
      .where((eb) => eb.or([eb('seat_row', '>', rows), eb('seat_col', '>', cols)]))
      .orderBy('hostname')
      .execute();
  }

  /** Deletes the lab; its computers stay, in no lab and at no seat (one transaction). Returns how many moved. */
  async delete(id: string): Promise<{ deleted: boolean; unassigned: number }> {
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('computers')
        .set({ lab_id: null, seat_row: null, seat_col: null })
        .where('lab_id', '=', id)
        .executeTakeFirst();
      const res = await trx.deleteFrom('labs').where('id', '=', id).executeTakeFirst();
      return { deleted: Number(res.numDeletedRows) > 0, unassigned: Number(moved.numUpdatedRows) };
    });
  }
}
