import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, EnrollmentTokensTable } from '../db/schema.js';

export type EnrollmentTokenRow = Selectable<EnrollmentTokensTable>;

export class EnrollmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(q: { active?: boolean | undefined; limit: number; offset: number }, now: number) {
    let base = this.db.selectFrom('enrollment_tokens');
    if (q.active) {
      base = base.where('revoked_at', 'is', null).where('expires_at', '>', now).where('uses_left', '>', 0);
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return { rows, total: Number(count?.n ?? 0) };
  }

  findById(id: string): Promise<EnrollmentTokenRow | undefined> {
    return this.db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** True when this call revoked it (false: unknown or revoked already). */
  async revoke(id: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('enrollment_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async insert(row: Omit<EnrollmentTokenRow, 'revoked_at'>): Promise<void> {
    await this.db.insertInto('enrollment_tokens').values(row).execute();
  }

  /**
   * Takes one use of a valid token inside `trx`. The conditional decrement
   * makes two agents racing for the last use impossible to both succeed.
   */
  async consume(
    trx: Transaction<Database>,
    tokenHash: string,
    now: number,
  ): Promise<EnrollmentTokenRow | undefined> {
    const row = await trx
      .selectFrom('enrollment_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where('uses_left', '>', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    const res = await trx
      .updateTable('enrollment_tokens')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('id', '=', row.id)
      .where('uses_left', '>', 0)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? row : undefined;
  }
}
