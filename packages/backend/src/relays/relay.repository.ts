import type { Kysely, Selectable } from 'kysely';
import type { Database, RelaysTable } from '../db/schema.js';

export type RelayRow = Selectable<RelaysTable>;

export class RelayRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RelayRow): Promise<void> {
    await this.db.insertInto('relays').values(row).execute();
  }

  findByTokenHash(tokenHash: string): Promise<RelayRow | undefined> {
    return this.db.selectFrom('relays').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  findByName(name: string): Promise<RelayRow | undefined> {
    return this.db.selectFrom('relays').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('relays').set({ last_seen_at: at }).where('id', '=', id).execute();
  }
}
