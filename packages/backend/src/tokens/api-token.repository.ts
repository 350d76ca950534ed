import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../db/schema.js';

export type ApiTokenRow = Selectable<ApiTokensTable>;
export type ApiTokenWithUser = ApiTokenRow & { username: string | null };

export class ApiTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiTokenRow): Promise<void> {
    await this.db.insertInto('api_tokens').values(row).execute();
  }

  findByHash(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  findById(id: string): Promise<ApiTokenWithUser | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('api_tokens')
      .select('users.username')
      .where('api_tokens.id', '=', id)
      .executeTakeFirst();
  }

  /** Newest first; `userId` null lists every user's tokens. */
  async list(
    userId: string | null,
    page: { limit: number; offset: number },
  ): Promise<{ rows: ApiTokenWithUser[]; total: number }> {
    let base = this.db.selectFrom('api_tokens').leftJoin('users', 'users.id', 'api_tokens.user_id');
    if (userId !== null) base = base.where('api_tokens.user_id', '=', userId);
    const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .selectAll('api_tokens')
      .select('users.username')
      .orderBy('api_tokens.created_at', 'desc')
      .orderBy('api_tokens.id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { rows, total: Number(totalRow?.n ?? 0) };
  }

  async revoke(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
