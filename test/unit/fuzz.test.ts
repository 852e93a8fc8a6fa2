import { test } from "node:test";
import fc from "fast-check";
import { imageProperty, makeImageSeeds, promptProperty } from "../fuzz/fuzz-targets.js";

// A short fuzz run on every test run; `npm run fuzz` runs the same targets for longer.

test("fuzz: parsePromptText only returns or throws InputError", () => {
  fc.assert(promptProperty(), { numRuns: 300 });
});

test("fuzz: inspectImage accepts sane images that decode, or rejects with InputError", async () => {
  const seeds = await makeImageSeeds();
  await fc.assert(imageProperty(seeds), { numRuns: 150 });
});
