import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, EnrollmentTokensTable } from '../db/schema.js';

export type EnrollmentTokenRow = Selectable<EnrollmentTokensTable>;

export class EnrollmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: EnrollmentTokenRow): Promise<void> {
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
