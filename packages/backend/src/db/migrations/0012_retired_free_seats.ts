import { type Kysely, sql } from 'kysely';

// Retired computers held their seats for good, so the machine replacing one
// could not take its place. Revoking now frees the seat; this frees the seats
// of computers retired before. (Nothing to undo: the seats were dead weight.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE computers SET seat_row = NULL, seat_col = NULL WHERE retired = 1`.execute(db);
}

export async function down(): Promise<void> {}
