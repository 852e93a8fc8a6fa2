// Who a request acts for. Every key belongs to an owner; an owner sees only what it created
// (and the built-in tunes). Without keys the server is loopback-only and everything belongs to
// LOCAL_OWNER, so keys created later with `--owner local` keep that work visible.

export const LOCAL_OWNER = "local";

export interface Caller {
  owner: string;
  /** The key used; null when the server runs without keys. */
  keyId: string | null;
}

export const LOCAL_CALLER: Caller = { owner: LOCAL_OWNER, keyId: null };

/** Owner names: what `outpaint keys create --owner` accepts. */
export const OWNER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
