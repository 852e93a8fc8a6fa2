import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from "graphql";
import { DEFAULT_QUERY_LIMITS, queryLimitRules, type QueryLimits } from "../../src/graphql/limits.js";
import { ROOT } from "../helpers/paths.js";

const schema = buildSchema(`
  type Query { jobs(first: Int): JobConnection!  job(id: ID): Job }
  type JobConnection { nodes: [Job!]! }
  type Job {
    id: ID!
    parent: Job
    children(first: Int): JobConnection!
    "Named like __Type.ofType, which alone adds no depth."
    ofType: Job
  }
`);

function validateWith(document: string, limits: Partial<QueryLimits> = {}) {
  return validate(schema, parse(document), [...specifiedRules, ...queryLimitRules({ ...DEFAULT_QUERY_LIMITS, ...limits })]);
}

/** The messages of the limit errors; fails on any other validation error. */
function limitErrors(document: string, limits: Partial<QueryLimits> = {}): string[] {
  const errors = validateWith(document, limits);
  for (const error of errors) assert.equal(error.extensions["code"], "QUERY_TOO_COMPLEX", error.message);
  return errors.map((error) => error.message);
}

/** `{ job { parent { … { id } } } }`, `depth` fields deep. */
function nestedJobs(depth: number): string {
  return `{ job(id: "1") ${"{ parent ".repeat(depth - 2)}{ id }${" }".repeat(depth - 2)} }`;
}

test("depth: as deep as the limit passes, one level deeper fails", () => {
  assert.deepEqual(limitErrors(nestedJobs(10)), []);
  assert.deepEqual(limitErrors(nestedJobs(11)), ["Expected a query depth of at most 10 for query but received depth 11"]);
});

test("depth counts through fragment spreads and inline fragments", () => {
  const document = (inner: string) => `
    { job(id: "1") { ...twoDeep } }
    fragment twoDeep on Job { parent { ... on Job { ${inner} } } }
  `;
  assert.deepEqual(limitErrors(document("parent { id }"), { maxDepth: 4 }), []);
  assert.deepEqual(limitErrors(document("parent { parent { id } }"), { maxDepth: 4 }), [
    "Expected a query depth of at most 4 for query but received depth 5",
  ]);
});

test("a schema's own field named ofType still adds depth", () => {
  assert.deepEqual(limitErrors(`{ job(id: "1") { ofType { ofType { id } } } }`, { maxDepth: 3 }), [
    "Expected a query depth of at most 3 for query but received depth 4",
  ]);
});

test("aliases: the limit passes, one more fails", () => {
  const aliases = (count: number) => `{ job(id: "1") { ${Array.from({ length: count }, (_, i) => `a${i}: id`).join(" ")} } }`;
  assert.deepEqual(limitErrors(aliases(3), { maxAliases: 3 }), []);
  assert.deepEqual(limitErrors(aliases(4), { maxAliases: 3 }), ["Expected at most 3 aliases for query but received 4"]);
});

test("fields: each fragment counts at every place it is spread", () => {
  // 2 aliased `jobs` fields + 2 × (nodes, id, parent, id).
  const document = `
    { a: jobs { ...page } b: jobs { ... on JobConnection { ...page } } }
    fragment page on JobConnection { nodes { id parent { id } } }
  `;
  assert.deepEqual(limitErrors(document, { maxFields: 10 }), []);
  assert.deepEqual(limitErrors(document, { maxFields: 9 }), ["Expected at most 9 fields for query but received 10"]);
});

test("top-level fields count those that fragments bring to the root", () => {
  const document = `
    { job(id: "1") { id } ...roots ... on Query { first: job(id: "2") { id } } }
    fragment roots on Query { jobs { nodes { id } } second: job(id: "3") { id } }
  `;
  assert.deepEqual(limitErrors(document, { maxRootFields: 4 }), []);
  assert.deepEqual(limitErrors(document, { maxRootFields: 3 }), ["Expected at most 3 top-level fields for query but received 4"]);
});

test("an error carries the template's extensions and points at the operation", () => {
  const [error, ...others] = validateWith(`query Deep ${nestedJobs(14)}`);
  assert.deepEqual(others, []);
  assert.ok(error);
  assert.equal(error.message, "Expected a query depth of at most 10 for query but received depth 14");
  assert.deepEqual(error.extensions, {
    code: "QUERY_TOO_COMPLEX",
    field: "query",
    allowed: "a query depth of at most 10",
    received: "depth 14",
  });
  assert.deepEqual(error.locations, [{ line: 1, column: 1 }]);
});

test("each kind is reported once per document, for the operation that exceeds it most", () => {
  const document = `query A ${nestedJobs(12)} query B ${nestedJobs(15)} query C ${nestedJobs(11)}`;
  assert.deepEqual(limitErrors(document), ["Expected a query depth of at most 10 for query but received depth 15"]);
});

test("a fragment cycle is left to NoFragmentCycles and does not hang", () => {
  const errors = validateWith(`
    { job(id: "1") { ...up } }
    fragment up on Job { parent { ...down } }
    fragment down on Job { children { nodes { ...up ...self } } }
    fragment self on Job { id ...self }
  `);
  assert.ok(errors.length > 0);
  assert.ok(errors.every((error) => error.message.startsWith("Cannot spread fragment")), errors.join("\n"));
});

test("the standard introspection query passes the default limits on the real schema", () => {
  const appSchema = buildSchema(readFileSync(`${ROOT}schema.graphql`, "utf8"));
  const rules = [...specifiedRules, ...queryLimitRules(DEFAULT_QUERY_LIMITS)];
  assert.deepEqual(validate(appSchema, parse(getIntrospectionQuery()), rules), []);
  // What GraphiQL sends.
  const graphiql = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
  assert.deepEqual(validate(appSchema, parse(graphiql), rules), []);
});

test("introspection nested beyond the ofType chain still counts its depth", () => {
  // Two levels of `fields`: graphql's MaxIntrospectionDepthRule stops a third.
  const argsOfFields = `{ __schema { directives { args ${"{ type { fields { args ".repeat(2)}{ type { name } }${" } } }".repeat(2)} } } }`;
  assert.deepEqual(limitErrors(argsOfFields), ["Expected a query depth of at most 10 for query but received depth 11"]);
});

test("cost: a field counts once per item of the lists above it (pages by `first`, other lists as 10)", () => {
  const appSchema = buildSchema(readFileSync(`${ROOT}schema.graphql`, "utf8"));
  const errors = (document: string) =>
    validate(appSchema, parse(document), [...specifiedRules, ...queryLimitRules(DEFAULT_QUERY_LIMITS)]).map((error) => error.message);
  // Within depth 10, but 100 jobs x 10 x 10 x 10 through prompt.jobs: refused before it runs.
  assert.deepEqual(errors("{ jobs(first: 100) { nodes { prompt { jobs { prompt { jobs { prompt { jobs { id } } } } } } } } }"), [
    "Expected a cost of at most 50000 (fields times list sizes) for query but received cost 122202",
  ]);
  // A full page with every field of a job, its images, passes and deliveries is fine.
  const everything = `id status stage width height attempts createdAt progress { pass passCount step totalSteps percent etaSeconds }
    passes { number width height top right bottom left } input { id url } result { id url } preview { id url }
    error { code message field } webhookDeliveries { id status attempts eventType } tune { id title } prompt { id text }`;
  assert.deepEqual(errors(`{ jobs(first: 100) { totalCount nodes { ${everything} } } }`), []);
  // A variable page size counts as the largest page.
  assert.equal(errors(`query($n: Int) { jobs(first: $n) { nodes { prompt { jobs { prompt { jobs { id } } } } } } }`).length, 0);
});
