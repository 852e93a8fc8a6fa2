import type { Prisma } from "./generated/sqlite/client.js";

export type DatabaseKind = "sqlite" | "postgresql";

/** The client or an open transaction: both have the same model API. */
export type Client = Prisma.TransactionClient;
