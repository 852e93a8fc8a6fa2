import type { Client } from "./client.js";

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  resourceId: string;
  createdAt: Date;
}

export class IdempotencyRepository {
  constructor(private readonly client: Client) {}

  find(key: string): Promise<IdempotencyRecord | null> {
    return this.client.idempotencyKey.findUnique({ where: { key } });
  }

  /** Records the key, replacing an expired record of the same key. */
  async save(record: IdempotencyRecord): Promise<void> {
    await this.client.idempotencyKey.upsert({ where: { key: record.key }, create: record, update: record });
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const { count } = await this.client.idempotencyKey.deleteMany({ where: { createdAt: { lt: cutoff } } });
    return count;
  }
}
