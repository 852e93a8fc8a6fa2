import type { Client } from "./client.js";

/** Server-wide values kept across restarts. */
export class SettingRepository {
  constructor(private readonly client: Client) {}

  async get(key: string): Promise<string | null> {
    return (await this.client.serverSetting.findUnique({ where: { key } }))?.value ?? null;
  }

  /**
   * Inside a transaction: a named lock held until the commit (a row of this table, written so that
   * PostgreSQL locks it; SQLite's transactions already run one at a time).
   */
  async lock(name: string): Promise<void> {
    const key = `lock:${name}`;
    await this.client.$executeRaw`INSERT INTO "ServerSetting" ("key", "value") VALUES (${key}, '') ON CONFLICT ("key") DO UPDATE SET "value" = ''`;
  }

  /** Stores `value` unless the key already has one; returns the value in effect. */
  async getOrCreate(key: string, value: string): Promise<string> {
    const row = await this.client.serverSetting.upsert({ where: { key }, create: { key, value }, update: {} });
    return row.value;
  }
}
