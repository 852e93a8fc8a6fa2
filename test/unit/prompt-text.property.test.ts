import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { InputError } from "../../src/core/errors.js";
import { ANCHORS } from "../../src/core/geometry.js";
import { formatPromptText, parsePromptText, type ParsedPromptText } from "../../src/core/prompt-text.js";

const word = fc
  .stringMatching(/^[^\s]{1,12}$/)
  .filter((w) => !/^--[A-Za-z]/.test(w) && !w.startsWith("<lora:") && !w.includes('"'));
const parsedText: fc.Arbitrary<ParsedPromptText> = fc.record({
  text: fc.array(word, { maxLength: 8 }).map((words) => words.join(" ")),
  loras: fc.array(
    fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/),
      weight: fc.integer({ min: -200, max: 200 }).map((n) => n / 100),
    }, { noNullPrototype: true }),
    { maxLength: 3 },
  ),
  outpaint: fc.option(
    fc.record({
      anchor: fc.constantFrom(...ANCHORS),
      width: fc.option(fc.integer({ min: 1, max: 8192 }), { nil: null }),
      height: fc.option(fc.integer({ min: 1, max: 8192 }), { nil: null }),
      prompt: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
    }, { noNullPrototype: true }),
    { nil: null },
  ),
}, { noNullPrototype: true });

test("parse(format(x)) = x for every parsed prompt", () => {
  fc.assert(
    fc.property(parsedText, (parsed) => {
      assert.deepEqual(parsePromptText(formatPromptText(parsed), "text"), parsed);
    }),
    { numRuns: 2000 },
  );
});

const fragments = fc.constantFrom(
  "--outpaint",
  "--outpaint_width",
  "--outpaint_height",
  "--outpaint_prompt",
  "--zoom",
  "--",
  '"',
  "\\",
  "<lora:",
  ">",
  ":",
  "top-center",
  "center",
  "12",
  "-3",
  "1e9",
  " ",
  "\n",
);
const hostile = fc.array(fc.oneof(fragments, fc.string({ maxLength: 6 }), fc.string({ maxLength: 4, unit: "grapheme" })), { maxLength: 24 }).map((parts) => parts.join(""));

test("the parser refuses bad text only with typed input errors, never anything else", () => {
  fc.assert(
    fc.property(hostile, (source) => {
      try {
        parsePromptText(source, "text");
      } catch (error) {
        assert.ok(error instanceof InputError, `threw ${String(error)}`);
        assert.equal(error.field, "text");
        assert.match(error.message, /^Expected .+ at character \d+ for text but received .+$/s);
      }
    }),
    { numRuns: 5000 },
  );
});
