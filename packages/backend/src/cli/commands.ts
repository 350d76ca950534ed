import { EnrollmentTokenCreate } from '@labmgr/protocol';
import type { ServerConfig } from '../config.js';
import { createContext } from '../context.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';

/** Runs `fn` against a migrated database, outside a running server. */
async function withContext<T>(
  config: ServerConfig,
  fn: (ctx: ReturnType<typeof createContext>) => Promise<T>,
): Promise<T> {
  const handle = openDatabase(config);
  try {
    await migrateToLatest(handle.db);
    return await fn(createContext(config, handle.db, handle.kind));
  } finally {
    await handle.db.destroy();
  }
}

export async function migrateCommand(config: ServerConfig): Promise<string> {
  const handle = openDatabase(config);
  try {
    const result = await migrateToLatest(handle.db);
    const applied = result.results?.map((r) => r.migrationName) ?? [];
    return applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date';
  } finally {
    await handle.db.destroy();
  }
}

export function createRelayToken(
  config: ServerConfig,
  name: string,
): Promise<{ relayId: string; token: string }> {
  return withContext(config, async (ctx) => {
    const { relay, token } = await ctx.relayService.create(name, { type: 'system', id: null });
    return { relayId: relay.id, token };
  });
}

export function createEnrollmentToken(
  config: ServerConfig,
  input: { uses?: number | undefined; expiresInSec?: number | undefined },
): Promise<{ token: string; expiresAt: string }> {
  const parsed = EnrollmentTokenCreate.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `invalid option: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  return withContext(config, async (ctx) => {
    const created = await ctx.enrollment.createToken(parsed.data, { type: 'system', id: null, ip: null });
    return { token: created.token, expiresAt: created.expiresAt };
  });
}
