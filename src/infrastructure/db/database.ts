import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR } from "../../core/paths.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { applyMigrations, type MigrationReport } from "./migrate.js";
import { applyPostgresMigrations } from "./migrate-postgres.js";
import type { Client, DatabaseKind } from "./client.js";
import { Repositories } from "./repositories.js";
import { SerialLock } from "./serial-lock.js";

/** What a Database needs of a Prisma client; both generated clients have the same model API. */
interface Engine {
  /** Runs statements outside a transaction. */
  statements: Client;
  transaction<T>(work: (tx: Client) => Promise<T>): Promise<T>;
  disconnect(): Promise<void>;
}

/** The one database handle of a process: migrated at open, closed explicitly. */
export class Database extends Repositories {
  readonly #engine: Engine;

  private constructor(
    engine: Engine,
    readonly kind: DatabaseKind,
    readonly migrations: MigrationReport,
  ) {
    super(engine.statements, kind);
    this.#engine = engine;
  }

  /**
   * Opens the database `databaseUrl` names, applying pending migrations first: SQLite
   * (`file:<path>`, created when missing) or PostgreSQL (`postgresql://...`).
   */
  static async open(databaseUrl: string, options: { poolSize?: number } = {}): Promise<Database> {
    if (databaseUrl.startsWith("file:")) {
      const { engine, migrations } = await openSqlite(databaseUrl.slice("file:".length));
      return new Database(engine, "sqlite", migrations);
    }
    const { engine, migrations } = await openPostgres(databaseUrl, options.poolSize ?? 10);
    return new Database(engine, "postgresql", migrations);
  }

  /**
   * Runs `work` in one transaction; the repositories it receives write inside it. `work` must use
   * only those: on SQLite a statement through this Database would wait for the transaction it is in.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.#engine.transaction((client) => work(new Repositories(client, this.kind)));
  }

  async close(): Promise<void> {
    await this.#engine.disconnect();
  }
}

async function openSqlite(file: string): Promise<{ engine: Engine; migrations: MigrationReport }> {
  mkdirSync(dirname(file), { recursive: true });
  const migrations = applyMigrations(file, MIGRATIONS_DIR);
  const prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
  // FULL makes each commit durable across power loss, not only across process crashes.
  await prisma.$queryRawUnsafe("PRAGMA synchronous = FULL");
  await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  // SQLite through the adapter is one connection: a statement sent while another request's
  // interactive transaction is open would run inside it and vanish if that one rolls back. So
  // every statement outside a transaction waits for the lock that each transaction holds.
  const lock = new SerialLock();
  const statements = prisma.$extends({ query: { $allOperations: ({ args, query }) => lock.run(() => query(args)) } });
  const engine: Engine = {
    statements: statements as unknown as Client,
    transaction: (work) => lock.run(() => prisma.$transaction((tx) => work(tx as Client))),
    disconnect: () => prisma.$disconnect(),
  };
  return { engine, migrations };
}

async function openPostgres(url: string, poolSize: number): Promise<{ engine: Engine; migrations: MigrationReport }> {
  const migrations = await applyPostgresMigrations(url, POSTGRES_MIGRATIONS_DIR);
  const prisma = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
  const engine: Engine = {
    // Both clients are generated from the same models; only the provider differs.
    statements: prisma as unknown as Client,
    transaction: (work) => prisma.$transaction((tx) => work(tx as unknown as Client), { timeout: 30_000, maxWait: 30_000 }),
    disconnect: () => prisma.$disconnect(),
  };
  return { engine, migrations };
}
