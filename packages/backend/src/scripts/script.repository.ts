import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, ScriptsTable, ScriptVersionsTable } from '../db/schema.js';

export type ScriptRow = Selectable<ScriptsTable>;
export type ScriptVersionRow = Selectable<ScriptVersionsTable>;
/** A script with its current version's text. */
export type ScriptWithVersion = ScriptRow & Pick<ScriptVersionRow, 'shell' | 'body' | 'parameters'>;

/** The script library's SQL. */
export class ScriptRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private current() {
    return this.db
      .selectFrom('scripts')
      .innerJoin('script_versions', (j) =>
        j
          .onRef('script_versions.script_id', '=', 'scripts.id')
          .onRef('script_versions.version', '=', 'scripts.current_version'),
      )
      .selectAll('scripts')
      .select(['script_versions.shell', 'script_versions.body', 'script_versions.parameters'])
      .where('scripts.deleted_at', 'is', null);
  }

  list(): Promise<ScriptWithVersion[]> {
    return this.current().orderBy('scripts.name_key').execute();
  }

  find(id: string): Promise<ScriptWithVersion | undefined> {
    return this.current().where('scripts.id', '=', id).executeTakeFirst();
  }

  findByNameKey(nameKey: string): Promise<ScriptRow | undefined> {
    return this.db
      .selectFrom('scripts')
      .selectAll()
      .where('name_key', '=', nameKey)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  findVersion(id: string, version: number): Promise<ScriptVersionRow | undefined> {
    return this.db
      .selectFrom('script_versions')
      .selectAll()
      .where('script_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  versions(id: string): Promise<ScriptVersionRow[]> {
    return this.db
      .selectFrom('script_versions')
      .selectAll()
      .where('script_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
  }

  async insert(script: Insertable<ScriptsTable>, version: Insertable<ScriptVersionsTable>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('scripts').values(script).execute();
      await trx.insertInto('script_versions').values(version).execute();
    });
  }

  /** Updates the script's fields and, with `version`, adds it and makes it current. */
  async update(
    id: string,
    patch: Partial<Pick<ScriptsTable, 'name' | 'name_key' | 'description' | 'target_os' | 'updated_at'>>,
    version: Insertable<ScriptVersionsTable> | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (version) await trx.insertInto('script_versions').values(version).execute();
      await trx
        .updateTable('scripts')
        .set({ ...patch, ...(version ? { current_version: version.version } : {}) })
        .where('id', '=', id)
        .execute();
    });
  }

  async softDelete(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('scripts')
      .set({ deleted_at: at, updated_at: at })
      .where('id', '=', id)
      .execute();
  }
}
