import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";
import { WEB_ASSETS_DIR } from "../../core/paths.js";

const GRAPHIQL_DIR = join(WEB_ASSETS_DIR, "graphiql");

/**
 * GraphiQL, bundled from npm packages at build time and served from here. A browser asking
 * GET /graphql for HTML gets the IDE; every other GET /graphql reaches the GraphQL handler.
 */
export function graphiqlRoutes(graphqlPath: string): Router {
  const router = Router();
  if (!existsSync(join(GRAPHIQL_DIR, "index.html"))) {
    throw new Error(`GraphiQL is not built (no ${GRAPHIQL_DIR}/index.html); run \`npm run build\``);
  }
  router.use("/graphiql", express.static(GRAPHIQL_DIR, { index: false, maxAge: "1h" }));
  router.get("/favicon.ico", (_req, res) => {
    res.status(204).end();
  });
  router.get(graphqlPath, (req, res, next) => {
    const wantsHtml = req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
    if (!wantsHtml || typeof req.query.query === "string") {
      next();
      return;
    }
    res.sendFile(join(GRAPHIQL_DIR, "index.html"));
  });
  return router;
}
