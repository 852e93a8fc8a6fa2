import type { Page, PageRequest } from "../../core/pagination.js";
import { toPage } from "../../core/pagination.js";
import type { CallbackFormat, PromptParams, PromptRecord } from "../../core/prompt.js";
import type { Prompt } from "./generated/sqlite/client.js";
import type { Client } from "./client.js";

function toRecord(row: Prompt): PromptRecord {
  return { ...row, params: JSON.parse(row.params) as PromptParams, callbackFormat: row.callbackFormat as CallbackFormat };
}

export class PromptRepository {
  constructor(private readonly client: Client) {}

  /**
   * Inside a transaction: holds the prompt's row until the commit, so transactions that end
   * sibling jobs at the same time see each other's outcome (PostgreSQL runs them side by side).
   */
  async lock(id: string): Promise<void> {
    await this.client.$executeRaw`UPDATE "Prompt" SET "id" = "id" WHERE "id" = ${id}`;
  }

  /** The prompt, when `owner` has it (any owner's when `owner` is undefined: internal use). */
  async find(id: string, owner?: string): Promise<PromptRecord | null> {
    const row = await this.client.prompt.findFirst({ where: { id, ownerId: owner } });
    return row && toRecord(row);
  }

  async findMany(ids: readonly string[]): Promise<PromptRecord[]> {
    const rows = await this.client.prompt.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  /** Newest first. */
  async list(owner: string, tuneId: string | null, page: PageRequest): Promise<Page<PromptRecord>> {
    const where = { ownerId: owner, ...(tuneId ? { tuneId } : {}) };
    const [rows, total] = await Promise.all([
      this.client.prompt.findMany({
        where: { ...where, ...(page.afterId ? { id: { lt: page.afterId } } : {}) },
        orderBy: { id: "desc" },
        take: page.first + 1,
      }),
      this.client.prompt.count({ where }),
    ]);
    return toPage(rows.map(toRecord), page, total);
  }

  async create(prompt: PromptRecord): Promise<PromptRecord> {
    return toRecord(await this.client.prompt.create({ data: { ...prompt, params: JSON.stringify(prompt.params) } }));
  }
}
