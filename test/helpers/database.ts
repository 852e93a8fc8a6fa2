import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";

// The database tests run against: SQLite files by default; with TEST_DATABASE=postgresql, a
// fresh database per test server on the PostgreSQL that test/setup/services.sh started
// (TEST_POSTGRES_URL names its admin database).

export const onPostgres = process.env.TEST_DATABASE === "postgresql";

export function postgresAdminUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error("TEST_POSTGRES_URL is not set: run test/setup/services.sh (npm test does)");
  return url;
}

/** A new, empty PostgreSQL database on the test server. */
export async function createPostgresDatabase(): Promise<string> {
  const admin = postgresAdminUrl();
  const name = `outpaint_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one test: a SQLite file under `scratchDir`, or a PostgreSQL database. */
export async function testDatabaseUrl(scratchDir: string): Promise<string> {
  if (onPostgres) return createPostgresDatabase();
  return `file:${join(scratchDir, `test-${process.pid}-${Date.now()}.db`)}`;
}

/** Runs a statement that changes rows (a test ageing them, say) on the database behind a server. */
export async function execute(databaseUrl: string, sql: string): Promise<void> {
  if (databaseUrl.startsWith("file:")) {
    const db = new Sqlite(databaseUrl.slice("file:".length));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Rows of a read-only query, for tests that look into the database behind a server. */
export async function queryRows<T>(databaseUrl: string, sql: string): Promise<T[]> {
  if (databaseUrl.startsWith("file:")) {
    const db = new Sqlite(databaseUrl.slice("file:".length), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** How many rows `table` has. */
export async function rowCount(databaseUrl: string, table: string): Promise<number> {
  return Number((await queryRows<{ n: number | string }>(databaseUrl, `SELECT COUNT(*) AS n FROM "${table}"`))[0]!.n);
}
