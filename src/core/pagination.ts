import { InputError } from "./errors.js";

export interface PageRequest {
  first: number;
  /** Id of the last item already seen; the page starts after it. */
  afterId: string | null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const CURSOR_PREFIX = "c1:";

export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id, "utf8").toString("base64url");
}

export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new InputError("first", `an integer between 0 and ${MAX_PAGE_SIZE}`, first);
  }
  if (after === null || after === undefined) return { first: size, afterId: null };
  const decoded = Buffer.from(after, "base64url").toString("utf8");
  if (!decoded.startsWith(CURSOR_PREFIX) || decoded.length === CURSOR_PREFIX.length) {
    throw new InputError("after", "an endCursor returned by this list", after);
  }
  return { first: size, afterId: decoded.slice(CURSOR_PREFIX.length) };
}

/** Builds a page from up to first + 1 rows fetched in order; the extra row only signals a next page. */
export function toPage<T extends { id: string }>(rows: T[], request: PageRequest, totalCount: number): Page<T> {
  const nodes = rows.slice(0, request.first);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    hasNextPage: rows.length > request.first,
    endCursor: last ? encodeCursor(last.id) : null,
    totalCount,
  };
}
