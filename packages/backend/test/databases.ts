import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The databases the backend suites run against: SQLite always, PostgreSQL
 * too when LABMGR_TEST_PG_URL is set (`.ci/run` and `npm run test:pg` set it).
 * Each PostgreSQL suite gets a fresh database, dropped afterwards.
 */
export const databases: {
  name: 'sqlite' | 'postgres';
  create(): Promise<{ url: string | undefined; drop(): Promise<void> }>;
}[] = [{ name: 'sqlite', create: async () => ({ url: undefined, drop: async () => {} }) }];

const pgUrl = process.env.LABMGR_TEST_PG_URL;
if (pgUrl) {
  databases.push({
    name: 'postgres',
    async create() {
      const name = `labmgr_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(pgUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        async drop() {
          const c = new pg.Client({ connectionString: pgUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  });
}
