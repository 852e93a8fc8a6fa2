import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRecord } from "../core/api-key.js";
import { InputError, NotFoundError, UnauthenticatedError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { LOCAL_CALLER, OWNER_PATTERN, type Caller } from "../core/owner.js";
import type { Database } from "../infrastructure/db/database.js";

// API keys: created by the operator (`outpaint keys create`), shown once, stored as SHA-256
// (a key is 256 random bits, so a fast hash is enough: there is nothing to brute-force).

const KEY_MARK = "opk_";
const PREFIX_LENGTH = KEY_MARK.length + 8;
/** lastUsedAt is a hint for operators; writing it once a minute per key is plenty. */
const TOUCH_EVERY_MS = 60_000;

export interface CreatedKey {
  /** The key itself: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

export class KeyService {
  #required = false;
  readonly #touchedAt = new Map<string, number>();

  constructor(private readonly db: Database) {}

  async create(owner: string, name: string): Promise<CreatedKey> {
    if (!OWNER_PATTERN.test(owner)) {
      throw new InputError("owner", "1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", owner);
    }
    const label = name.trim();
    if (label.length < 1 || label.length > 100) throw new InputError("name", "a name of 1 to 100 characters", name);
    const key = KEY_MARK + randomBytes(32).toString("base64url");
    const record = await this.db.apiKeys.create({
      id: newId(),
      owner,
      name: label,
      prefix: key.slice(0, PREFIX_LENGTH),
      hash: hashKey(key),
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    });
    this.#required = true;
    return { key, record };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.db.apiKeys.list();
  }

  async revoke(idOrPrefix: string): Promise<ApiKeyRecord[]> {
    const matched = await this.db.apiKeys.revoke(idOrPrefix, new Date());
    if (matched.length === 0) throw new NotFoundError("API key", idOrPrefix, "id");
    return matched;
  }

  /** Those of `ids` that have been revoked (by `outpaint keys revoke`, in any process). */
  revokedAmong(ids: readonly string[]): Promise<string[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.apiKeys.revokedAmong(ids);
  }

  /** True once any key has been created (revoked ones count): the server never falls back to keyless. */
  async required(): Promise<boolean> {
    if (!this.#required) this.#required = await this.db.apiKeys.any();
    return this.#required;
  }

  /**
   * Who an `Authorization` value acts for. Without keys everything is the local owner (and the
   * server listens on loopback only); once keys exist, a valid, unrevoked Bearer key is required.
   */
  async authenticate(authorization: string | null | undefined): Promise<Caller> {
    if (!(await this.required())) return LOCAL_CALLER;
    if (!authorization) throw new UnauthenticatedError("An API key is required: send the header Authorization: Bearer <key>");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
      throw new UnauthenticatedError(`Expected "Bearer <key>" for Authorization but received a value of another form`);
    }
    const record = await this.db.apiKeys.findActiveByHash(hashKey(match[1]!));
    if (!record) throw new UnauthenticatedError("The API key is not valid (unknown or revoked)");
    this.#touch(record.id);
    return { owner: record.owner, keyId: record.id };
  }

  #touch(id: string): void {
    const now = Date.now();
    if (now - (this.#touchedAt.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touchedAt.set(id, now);
    void this.db.apiKeys.touch(id, new Date(now)).catch(() => undefined);
  }
}

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
