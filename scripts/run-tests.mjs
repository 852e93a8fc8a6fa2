// Runs the compiled test files (dist/test/**/*.test.js) with Node's test runner.
// Arguments filter by path: `npm test -- e2e native` runs files whose path contains either.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const filters = process.argv.slice(2);

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith(".test.js")) yield path;
  }
}

const files = [...testFiles(join(root, "dist/test"))]
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${filters.join(", ") || "dist/test/**/*.test.js"}; did the build run?`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=600000", ...files],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
