import type { Client } from "./repositories.js";

/** Server-wide values kept across restarts. */
export class SettingRepository {
  constructor(private readonly client: Client) {}

  async get(key: string): Promise<string | null> {
    return (await this.client.serverSetting.findUnique({ where: { key } }))?.value ?? null;
  }

  /** Stores `value` unless the key already has one; returns the value in effect. */
  async getOrCreate(key: string, value: string): Promise<string> {
    const row = await this.client.serverSetting.upsert({ where: { key }, create: { key, value }, update: {} });
    return row.value;
  }
}
