import type { ComputerListQuery } from '@labmgr/protocol';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { likeContains } from '../db/like.js';
import type { ComputersTable, Database } from '../db/schema.js';

export type ComputerRow = Selectable<ComputersTable>;
type Placement = 'lab_id' | 'seat_row' | 'seat_col' | 'notes' | 'display_name';
/** A new computer: not retired, no tags, no losses; lab, seat and notes optional. */
export type NewComputer = Omit<
  ComputerRow,
  'retired' | 'tags' | 'logged_in_users' | 'samples_lost' | 'last_loss_at' | 'latest_seq' | Placement
> &
  Partial<Pick<ComputerRow, Placement>>;

/** API sort names to SQL: only these reach the ORDER BY. */
const SORT_COLUMNS = {
  name: sql`lower(coalesce(display_name, hostname))`,
  hostname: sql`lower(hostname)`,
  status: sql`status`,
  lastSeenAt: sql`last_seen_at`,
  createdAt: sql`created_at`,
} as const;

export class ComputerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewComputer, trx: Kysely<Database> = this.db): Promise<void> {
    await trx.insertInto('computers').values(row).execute();
  }

  async findInventory(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('computer_inventories')
      .select('inventory')
      .where('computer_id', '=', id)
      .executeTakeFirst();
    return row?.inventory ?? null;
  }

  /** Inventories (JSON) of many computers, by id; those without one are absent. */
  async findInventories(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('computer_inventories')
        .select(['computer_id', 'inventory'])
        .where('computer_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.computer_id, r.inventory);
    }
    return out;
  }

  findById(id: string): Promise<ComputerRow | undefined> {
    return this.db.selectFrom('computers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByIds(ids: readonly string[], trx: Kysely<Database> = this.db): Promise<ComputerRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return trx.selectFrom('computers').selectAll().where('id', 'in', ids).execute();
  }

  findActiveByCredentialHash(hash: string): Promise<ComputerRow | undefined> {
    return this.db
      .selectFrom('computers')
      .selectAll()
      .where('credential_hash', '=', hash)
      .where('retired', '=', 0)
      .executeTakeFirst();
  }

  findAtSeat(labId: string, row: number, col: number): Promise<ComputerRow | undefined> {
    return this.db
      .selectFrom('computers')
      .selectAll()
      .where('lab_id', '=', labId)
      .where('seat_row', '=', row)
      .where('seat_col', '=', col)
      .executeTakeFirst();
  }

  /** The computers at a seat of the lab, retired ones included: they still hold theirs. */
  findSeatedInLab(labId: string): Promise<ComputerRow[]> {
    return this.db
      .selectFrom('computers')
      .selectAll()
      .where('lab_id', '=', labId)
      .where('seat_row', 'is not', null)
      .execute();
  }

  /**
   * Puts each computer in the lab at its seat (or none), in one transaction.
   * The seats are emptied first: the unique index is checked row by row, so a
   * swap would otherwise collide halfway.
   */
  async placeInLab(
    labId: string,
    placements: readonly { id: string; seatRow: number | null; seatCol: number | null }[],
  ): Promise<void> {
    if (placements.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('computers')
        .set({ seat_row: null, seat_col: null })
        .where(
          'id',
          'in',
          placements.map((p) => p.id),
        )
        .execute();
      for (const p of placements) {
        await trx
          .updateTable('computers')
          .set({ lab_id: labId, seat_row: p.seatRow, seat_col: p.seatCol })
          .where('id', '=', p.id)
          .execute();
      }
    });
  }

  async list(q: ComputerListQuery): Promise<{ rows: ComputerRow[]; total: number }> {
    let base = this.db.selectFrom('computers').where('retired', '=', 0);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.q) {
      const pattern = likeContains(q.q);
      base = base.where(
        sql<boolean>`(lower(hostname) like ${pattern} escape '\\' or lower(coalesce(display_name, '')) like ${pattern} escape '\\')`,
      );
    }
    if (q.labId === 'none') base = base.where('lab_id', 'is', null);
    else if (q.labId) base = base.where('lab_id', '=', q.labId);
    // Tags are stored lower-case as a JSON array: match the quoted tag.
    if (q.tag) base = base.where(sql<boolean>`tags like ${likeContains(`"${q.tag}"`)} escape '\\'`);
    if (q.lossy !== undefined) base = base.where('samples_lost', q.lossy ? '>' : '=', 0);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        // Never-seen computers sort last either way, on both databases.
        .$if(q.sort === 'lastSeenAt', (b) => b.orderBy(sql`case when last_seen_at is null then 1 else 0 end`))
        .orderBy(SORT_COLUMNS[q.sort], q.order)
        .orderBy('hostname')
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return { rows, total: Number(count?.n ?? 0) };
  }

  async update(
    id: string,
    patch: Updateable<ComputersTable>,
    trx: Kysely<Database> = this.db,
  ): Promise<void> {
    await trx.updateTable('computers').set(patch).where('id', '=', id).execute();
  }

  /** Marks online computers not heard from since `before` offline and returns them. */
  async markStaleOffline(before: number): Promise<ComputerRow[]> {
    const stale = await this.db
      .selectFrom('computers')
      .selectAll()
      .where('status', '=', 'online')
      .where('last_seen_at', '<', before)
      .execute();
    if (stale.length === 0) return [];
    await this.db
      .updateTable('computers')
      .set({ status: 'offline' })
      .where(
        'id',
        'in',
        stale.map((r) => r.id),
      )
      .where('last_seen_at', '<', before)
      .execute();
    return stale.map((r) => ({ ...r, status: 'offline' as const }));
  }
}
