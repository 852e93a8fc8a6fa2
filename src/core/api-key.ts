export interface ApiKeyRecord {
  id: string;
  owner: string;
  name: string;
  /** The key's first characters, to tell keys apart in lists. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
