import type { UserListQuery } from '@labmgr/protocol';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { likeContains } from '../db/like.js';
import type { Database, UsersTable } from '../db/schema.js';

export type UserRow = Selectable<UsersTable>;

/** API sort names to columns: only these reach the ORDER BY. */
const SORT_COLUMNS = {
  username: 'username',
  createdAt: 'created_at',
  lastLoginAt: 'last_login_at',
} as const;

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async countEnabledAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(q: UserListQuery): Promise<{ rows: UserRow[]; total: number }> {
    let base = this.db.selectFrom('users');
    if (q.q) {
      const pattern = likeContains(q.q);
      base = base.where((eb) =>
        eb.or([
          sql<boolean>`lower(username) like ${pattern} escape '\\'`,
          sql<boolean>`lower(coalesce(display_name, '')) like ${pattern} escape '\\'`,
        ]),
      );
    }
    if (q.role) base = base.where('role', '=', q.role);
    if (q.disabled !== undefined) base = base.where('disabled', '=', q.disabled ? 1 : 0);
    const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const column = SORT_COLUMNS[q.sort];
    const rows = await base
      .selectAll()
      // Users who never signed in sort last either way, on both databases.
      .$if(column === 'last_login_at', (b) =>
        b.orderBy(sql`case when last_login_at is null then 1 else 0 end`),
      )
      .orderBy(column, q.order)
      .orderBy('username', 'asc')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { rows, total: Number(totalRow?.n ?? 0) };
  }

  async insert(user: Omit<UserRow, 'disabled'>): Promise<void> {
    await this.db.insertInto('users').values(user).execute();
  }

  async update(
    id: string,
    patch: Updateable<Omit<UsersTable, 'id' | 'username' | 'created_at'>>,
  ): Promise<UserRow | undefined> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
    return this.findById(id);
  }

  /** True when a row was deleted; sessions and API tokens go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async touchLogin(id: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
  }
}
