import { join } from "node:path";

/** A fresh, empty database for one test. */
export async function testDatabaseUrl(scratchDir: string): Promise<string> {
  return `file:${join(scratchDir, `test-${process.pid}-${Date.now()}.db`)}`;
}
