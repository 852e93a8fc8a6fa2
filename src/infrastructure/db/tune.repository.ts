import type { PageRequest, Page } from "../../core/pagination.js";
import { toPage } from "../../core/pagination.js";
import type { Backend, TuneKind, TuneRecord } from "../../core/tune.js";
import type { Tune } from "./generated/sqlite/client.js";
import type { Client } from "./client.js";

export type NewTune = Omit<TuneRecord, "createdAt">;

const LIVE = { deletedAt: null };

/** What an owner sees: its own tunes and the built-in ones. */
function visibleTo(owner: string) {
  return { OR: [{ ownerId: null }, { ownerId: owner }] };
}

function toRecord(row: Tune): TuneRecord {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind as TuneKind,
    backend: row.backend as Backend,
    baseTuneId: row.baseTuneId,
    ownerId: row.ownerId,
    isDefault: row.isDefault,
    createdAt: row.createdAt,
  };
}

export class TuneRepository {
  constructor(private readonly client: Client) {}

  /** A live tune `owner` may see. */
  async find(id: string, owner: string): Promise<TuneRecord | null> {
    const row = await this.client.tune.findFirst({ where: { id, ...LIVE, ...visibleTo(owner) } });
    return row && toRecord(row);
  }

  async findMany(ids: readonly string[]): Promise<TuneRecord[]> {
    const rows = await this.client.tune.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  async findDefault(): Promise<TuneRecord | null> {
    const row = await this.client.tune.findFirst({ where: { isDefault: true, ...LIVE }, orderBy: { id: "asc" } });
    return row && toRecord(row);
  }

  /** The oldest live built-in base tune of a backend. */
  async findBuiltInByBackend(backend: Backend): Promise<TuneRecord | null> {
    const row = await this.client.tune.findFirst({ where: { backend, kind: "BASE", ownerId: null, ...LIVE }, orderBy: { id: "asc" } });
    return row && toRecord(row);
  }

  /** The base tunes of a backend `owner` may see: built-in ones first, then the owner's, oldest first. */
  async findBaseByBackend(backend: Backend, owner: string): Promise<TuneRecord[]> {
    const rows = await this.client.tune.findMany({ where: { backend, kind: "BASE", ...LIVE, ...visibleTo(owner) }, orderBy: { id: "asc" } });
    return rows.map(toRecord).sort((a, b) => Number(a.ownerId !== null) - Number(b.ownerId !== null));
  }

  async list(owner: string, page: PageRequest): Promise<Page<TuneRecord>> {
    const where = { ...LIVE, ...visibleTo(owner) };
    const [rows, total] = await Promise.all([
      this.client.tune.findMany({
        where: { ...where, ...(page.afterId ? { id: { gt: page.afterId } } : {}) },
        orderBy: { id: "asc" },
        take: page.first + 1,
      }),
      this.client.tune.count({ where }),
    ]);
    return toPage(rows.map(toRecord), page, total);
  }

  async create(tune: NewTune, createdAt: Date): Promise<TuneRecord> {
    return toRecord(await this.client.tune.create({ data: { ...tune, createdAt } }));
  }

  async clearDefault(): Promise<void> {
    await this.client.tune.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
  }

  async makeDefault(id: string): Promise<TuneRecord> {
    await this.clearDefault();
    return toRecord(await this.client.tune.update({ where: { id }, data: { isDefault: true, ownerId: null } }));
  }

  /** Hides the tune from lists and new work; prompts and jobs that used it keep their reference. */
  async softDelete(id: string, at: Date): Promise<boolean> {
    const { count } = await this.client.tune.updateMany({ where: { id, ...LIVE }, data: { deletedAt: at, isDefault: false } });
    return count === 1;
  }

  async countLoras(baseTuneId: string): Promise<number> {
    return this.client.tune.count({ where: { baseTuneId, ...LIVE } });
  }
}
