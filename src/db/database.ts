import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { MIGRATIONS_DIR } from "../core/paths.js";
import { PrismaClient } from "./generated/client.js";
import { applyMigrations, type MigrationReport } from "./migrate.js";
import { Repositories, type Client } from "./repositories.js";
import { SerialLock } from "./serial-lock.js";

/** The one database handle of a process: migrated at open, closed explicitly. */
export class Database extends Repositories {
  readonly migrations: MigrationReport;
  readonly #prisma: PrismaClient;
  readonly #lock: SerialLock;

  private constructor(prisma: PrismaClient, lock: SerialLock, migrations: MigrationReport) {
    // SQLite through the adapter is one connection: a statement sent while another request's
    // interactive transaction is open would run inside it and vanish if that one rolls back. So
    // every statement outside a transaction waits for the lock that each transaction holds.
    super(
      prisma.$extends({
        query: { $allOperations: ({ args, query }) => lock.run(() => query(args)) },
      }) as unknown as Client,
    );
    this.#prisma = prisma;
    this.#lock = lock;
    this.migrations = migrations;
  }

  /** Opens a SQLite database (`file:<path>`), creating it and applying pending migrations first. */
  static async open(databaseUrl: string): Promise<Database> {
    const file = databaseUrl.slice("file:".length);
    mkdirSync(dirname(file), { recursive: true });
    const migrations = applyMigrations(file, MIGRATIONS_DIR);
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
    // FULL makes each commit durable across power loss, not only across process crashes.
    await prisma.$queryRawUnsafe("PRAGMA synchronous = FULL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
    return new Database(prisma, new SerialLock(), migrations);
  }

  /**
   * Runs `work` in one transaction; the repositories it receives write inside it. `work` must use
   * only those: a statement through this Database would wait for the transaction it is in.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.#lock.run(() => this.#prisma.$transaction((client) => work(new Repositories(client as Client))));
  }

  async close(): Promise<void> {
    await this.#prisma.$disconnect();
  }
}
