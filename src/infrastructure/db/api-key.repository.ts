import type { ApiKeyRecord } from "../../core/api-key.js";
import type { ApiKey } from "./generated/sqlite/client.js";
import type { Client } from "./client.js";

function toRecord({ hash: _hash, ...row }: ApiKey): ApiKeyRecord {
  return row;
}

export class ApiKeyRepository {
  constructor(private readonly client: Client) {}

  async create(key: ApiKeyRecord & { hash: string }): Promise<ApiKeyRecord> {
    return toRecord(await this.client.apiKey.create({ data: key }));
  }

  /** The unrevoked key with this hash. */
  async findActiveByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.client.apiKey.findFirst({ where: { hash, revokedAt: null } });
    return row && toRecord(row);
  }

  /** Oldest first, revoked ones included. */
  async list(): Promise<ApiKeyRecord[]> {
    return (await this.client.apiKey.findMany({ orderBy: { id: "asc" } })).map(toRecord);
  }

  /** Whether any key was ever created: from then on every request needs one. */
  async any(): Promise<boolean> {
    return (await this.client.apiKey.findFirst({ select: { id: true } })) !== null;
  }

  /** Revokes the key with this id or prefix; the keys it matched (revoked now or before). */
  async revoke(idOrPrefix: string, at: Date): Promise<ApiKeyRecord[]> {
    const where = { OR: [{ id: idOrPrefix }, { prefix: idOrPrefix }] };
    await this.client.apiKey.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: at } });
    return (await this.client.apiKey.findMany({ where })).map(toRecord);
  }

  /** Those of `ids` that have been revoked. */
  async revokedAmong(ids: readonly string[]): Promise<string[]> {
    const rows = await this.client.apiKey.findMany({ where: { id: { in: [...ids] }, revokedAt: { not: null } }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.client.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
