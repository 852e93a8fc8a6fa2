import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/paths.js";

// Imports go one way: cli and server -> graphql -> services -> infrastructure -> core. A layer may
// import its own and the layers below it, never one above.
const LAYERS = ["core", "infrastructure", "services", "graphql", "server", "cli"] as const;
const RANK = new Map<string, number>(LAYERS.map((layer, rank) => [layer, rank]));

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated") yield* sources(path);
    } else if (entry.name.endsWith(".ts")) yield path;
  }
}

const layerOf = (path: string) => relative(join(ROOT, "src"), path).split("/")[0]!;

test("imports go one way: a layer never imports one above it", () => {
  const src = join(ROOT, "src");
  const wrong: string[] = [];
  let checked = 0;
  for (const file of sources(src)) {
    const from = layerOf(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
      const to = layerOf(join(dirname(file), spec!));
      checked++;
      if ((RANK.get(to) ?? -1) > (RANK.get(from) ?? -1)) wrong.push(`${relative(src, file)} imports ${to}: ${spec}`);
    }
  }
  assert.ok(checked > 300, `only ${checked} imports seen: is the pattern still right?`);
  assert.deepEqual(wrong, []);
});
