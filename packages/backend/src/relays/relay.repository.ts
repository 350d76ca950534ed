import type { Kysely, Selectable } from 'kysely';
import type { Database, RelaysTable } from '../db/schema.js';

export type RelayRow = Selectable<RelaysTable>;

export class RelayRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RelayRow): Promise<void> {
    await this.db.insertInto('relays').values(row).execute();
  }

  /** The relay holding this token, unless it was revoked. */
  findByTokenHash(tokenHash: string): Promise<RelayRow | undefined> {
    return this.db
      .selectFrom('relays')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  /** True when this call revoked it; its control URL and token are forgotten with it. */
  async revoke(id: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('relays')
      .set({ revoked_at: at, control_url: null, control_token: null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  findByName(name: string): Promise<RelayRow | undefined> {
    return this.db.selectFrom('relays').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Relays that registered a control URL and token and are not revoked (the ones the backend can call). */
  listControllable(): Promise<RelayRow[]> {
    return this.db
      .selectFrom('relays')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('control_url', 'is not', null)
      .where('control_token', 'is not', null)
      .orderBy('name')
      .execute();
  }

  findById(id: string): Promise<RelayRow | undefined> {
    return this.db.selectFrom('relays').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Stores what the relay said in its registration. */
  async register(
    id: string,
    reg: {
      announcedId: string;
      controlUrl: string;
      controlToken: string;
      version: string;
      connectedAgents: number;
      at: number;
    },
  ): Promise<void> {
    await this.db
      .updateTable('relays')
      .set({
        announced_id: reg.announcedId,
        control_url: reg.controlUrl,
        control_token: reg.controlToken,
        version: reg.version,
        connected_agents: reg.connectedAgents,
        registered_at: reg.at,
        last_seen_at: reg.at,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Every relay with the number of computers shown online through it, by name. */
  async listWithOnlineCounts(): Promise<(RelayRow & { online: number })[]> {
    const [relays, counts] = await Promise.all([
      this.db.selectFrom('relays').selectAll().orderBy('name').execute(),
      this.db
        .selectFrom('computers')
        .select(['relay_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('status', '=', 'online')
        .where('retired', '=', 0)
        .where('relay_id', 'is not', null)
        .groupBy('relay_id')
        .execute(),
    ]);
    const online = new Map(counts.map((c) => [c.relay_id, Number(c.n)]));
    return relays.map((r) => ({ ...r, online: online.get(r.id) ?? 0 }));
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('relays').set({ last_seen_at: at }).where('id', '=', id).execute();
  }
}
