// Writes schema.graphql from the code-first schema (run after `npm run build:ts`).
// A test fails when the committed file and the code disagree.
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { buildAppSchema, printAppSchema } = await import("../dist/src/graphql/schema.js");
const { createEvents } = await import("../dist/src/infrastructure/events/topics.js");
const path = fileURLToPath(new URL("../schema.graphql", import.meta.url));
writeFileSync(path, printAppSchema(await buildAppSchema(createEvents())));
console.log(`wrote ${path}`);
