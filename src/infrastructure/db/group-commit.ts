import type { Database } from "./database.js";
import type { Repositories } from "./repositories.js";

interface Pending {
  work: (tx: Repositories) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Thrown out of a group's transaction to roll it back when one of its units fails. */
class UnitFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super("a unit of the group failed");
  }
}

/**
 * Group commit: the units of work that arrive while a transaction is running go into the next
 * transaction together. With a durable commit (SQLite synchronous = FULL, PostgreSQL
 * synchronous_commit = on) the commit's flush is most of a small write's cost, so N concurrent
 * writers pay one flush instead of N; a lone writer waits one turn of the event loop. Each unit
 * resolves only once its transaction has committed.
 *
 * A unit that throws rolls its whole group back: it rejects alone and the others run again in
 * the next transaction (their work must therefore depend on nothing but the transaction). That
 * keeps the common path free of a savepoint per unit; units here fail before writing anything
 * (a refused idempotency key, an owner at its job limit), so a retry costs little.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #running = false;

  constructor(private readonly db: Database) {}

  run<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#running) return;
      this.#running = true;
      // One turn of the event loop first: requests already being read and validated reach this
      // point in it and share the transaction. Without the wait, a commit's flush blocking the
      // thread (better-sqlite3 is synchronous) left no other request a chance to join: groups of one.
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      try {
        const values = await this.db.transaction(async (tx) => {
          const results: unknown[] = [];
          for (const [index, { work }] of group.entries()) {
            try {
              results.push(await work(tx));
            } catch (error) {
              throw new UnitFailed(index, error);
            }
          }
          return results;
        });
        group.forEach((pending, i) => pending.resolve(values[i]));
      } catch (error) {
        if (error instanceof UnitFailed && group.length > 1) {
          group[error.index]!.reject(error.error);
          // The rest go first in the next transaction.
          this.#queue = [...group.filter((_, i) => i !== error.index), ...this.#queue];
        } else {
          for (const pending of group) pending.reject(error instanceof UnitFailed ? error.error : error);
        }
      }
    }
    this.#running = false;
  }
}
