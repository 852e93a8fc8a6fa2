import "reflect-metadata";
import assert from "node:assert/strict";
import { GraphQLObjectType } from "graphql";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { buildAppSchema, printAppSchema } from "../../src/graphql/schema.js";
import { createEvents } from "../../src/infrastructure/events/topics.js";
import { ROOT } from "../helpers/paths.js";

test("schema.graphql is what the code defines (regenerate with `npm run schema:emit`)", async () => {
  const printed = printAppSchema(await buildAppSchema(createEvents()));
  const committed = readFileSync(`${ROOT}schema.graphql`, "utf8");
  assert.equal(committed, printed, "schema.graphql has drifted from the code: run `npm run schema:emit`");
});

test("the contract's operations and types are all there", async () => {
  const schema = await buildAppSchema(createEvents());
  const fields = (name: "Query" | "Mutation" | "Subscription") => Object.keys((schema.getType(name) as GraphQLObjectType).getFields());
  for (const query of ["tunes", "tune", "prompt", "prompts", "job", "jobs", "image"]) assert.ok(fields("Query").includes(query), query);
  for (const mutation of ["createTune", "deleteTune", "createPrompt", "createOutpaintJob", "cancelJob"]) {
    assert.ok(fields("Mutation").includes(mutation), mutation);
  }
  assert.deepEqual(fields("Subscription").sort(), ["jobUpdated", "promptUpdated"]);
  for (const type of ["TuneConnection", "PromptConnection", "OutpaintJobConnection", "JobProgress", "JobError", "ImageInput", "OutpaintInput", "PromptInput"]) {
    assert.ok(schema.getType(type), type);
  }
});
