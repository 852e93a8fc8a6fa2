import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Logger } from "pino";
import type { Settings } from "../infrastructure/config/settings.js";
import { buildAppSchema } from "../graphql/schema.js";
import { startServices, type Services } from "../services/services.js";
import { isLoopbackHost } from "./loopback.js";
import { keylessOriginGuard, requireCaller, RequestGate } from "./auth.js";
import { sendGraphQLError } from "./http-errors.js";
import { inlineBodyLimit } from "./body-limit.js";
import { RateLimiter } from "./rate-limiter.js";
import { answerClientError } from "./client-errors.js";
import { notFound, requestErrors } from "./fallback-handlers.js";
import { startGraphQLEndpoint } from "./graphql-endpoint.js";
import { RevokedSockets } from "./revoked-sockets.js";
import { astriaRoutes } from "./routes/astria.routes.js";
import { runwareRoutes } from "./routes/runware.routes.js";
import { RunwareSocket } from "./runware-socket.js";
import { graphiqlRoutes } from "./routes/graphiql.routes.js";
import { healthRoutes } from "./routes/health.routes.js";
import { imageRoutes } from "./routes/images.routes.js";
import { metricsRoutes } from "./routes/metrics.routes.js";
import { playgroundRoutes } from "./routes/playground.routes.js";

export interface RunningServer {
  url: string;
  services: Services;
  /** Graceful: stop accepting, drain GraphQL and WebSockets, let jobs finish for `graceMs`, close. */
  close(graceMs?: number): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";
const RUNWARE_PATH = "/v1";

/**
 * Starts the process's role: the API (`serve`), the API and the job worker on one port (`all`,
 * the embedded default), or a job worker (`worker`), whose port answers only health and metrics.
 */
export async function startServer(settings: Settings, logger: Logger): Promise<RunningServer> {
  const services = await startServices(settings, logger);
  if (settings.role === "worker") return startWorkerEndpoint(settings, services);
  try {
    await checkExposure(settings.host, services, logger);
  } catch (error) {
    await services.close(0);
    throw error;
  }
  const schema = await buildAppSchema(services.events);
  const app = express();
  app.disable("x-powered-by");
  const httpServer: Server = createServer(app);
  httpServer.on("clientError", answerClientError);
  const gate = new RequestGate(
    services.keys,
    new RateLimiter({ perMinute: settings.rateLimitPerMinute, maxConcurrent: settings.maxConcurrentRequests }),
  );
  const revokedSockets = new RevokedSockets(services.keys, settings.keyCheckIntervalMs, logger);
  const graphql = await startGraphQLEndpoint(
    httpServer,
    schema,
    services,
    gate,
    { production: settings.production, introspection: settings.introspection, publicUrl: settings.publicUrl, path: GRAPHQL_PATH },
    revokedSockets,
    logger,
  );
  const runwareSocket = new RunwareSocket(
    services,
    gate,
    revokedSockets,
    { maxMessageBytes: inlineBodyLimit(settings.maxUploadBytes), publicUrl: settings.publicUrl },
    logger,
  );
  // One server, two WebSocket protocols: GraphQL's (graphql-transport-ws) and Runware's.
  httpServer.on("upgrade", (request, socket, head) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === GRAPHQL_PATH) graphql.handleUpgrade(request, socket, head);
    else if (path === RUNWARE_PATH) runwareSocket.handleUpgrade(request, socket, head);
    else socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });

  app.use(keylessOriginGuard(gate, logger));
  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use(imageRoutes(services, gate, { maxUploadBytes: settings.maxUploadBytes, publicUrl: settings.publicUrl }, logger));
  app.use(astriaRoutes(services, gate, { maxUploadBytes: settings.maxUploadBytes, publicUrl: settings.publicUrl }, logger));
  app.use(runwareRoutes(services, gate, { maxUploadBytes: settings.maxUploadBytes, publicUrl: settings.publicUrl }, logger));
  app.use(graphiqlRoutes(GRAPHQL_PATH));
  app.use(playgroundRoutes());
  // The key is checked before a body is read: nobody without one makes the server parse megabytes.
  app.use(
    GRAPHQL_PATH,
    requireCaller(gate, logger, sendGraphQLError),
    express.json({ limit: inlineBodyLimit(settings.maxUploadBytes) }),
    graphql.handler,
  );
  app.use(notFound);
  app.use(requestErrors(GRAPHQL_PATH, logger));

  await listen(httpServer, settings);
  const url = listeningUrl(httpServer, settings.host);
  await services.startWork(settings.publicUrl ?? url);

  let closing: Promise<void> | null = null;
  return {
    url,
    services,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await runwareSocket.close();
        await revokedSockets.stop();
        await graphql.stop(); // stops HTTP and WebSocket intake, drains both
        await services.close(graceMs);
      })();
      return closing;
    },
  };
}

/** A worker's port: liveness, readiness and metrics for the orchestrator, nothing else. */
async function startWorkerEndpoint(settings: Settings, services: Services): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use(notFound);
  const httpServer = createServer(app);
  await listen(httpServer, settings);
  await services.startWork(settings.publicUrl!);
  let closing: Promise<void> | null = null;
  return {
    url: listeningUrl(httpServer, settings.host),
    services,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await services.close(graceMs);
        await new Promise((resolve) => httpServer.close(resolve));
      })();
      return closing;
    },
  };
}

function listen(httpServer: Server, settings: Settings): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(settings.port, settings.host, () => resolve());
  });
}

function listeningUrl(httpServer: Server, configuredHost: string): string {
  const { port } = httpServer.address() as AddressInfo;
  const host = configuredHost.includes(":") ? `[${configuredHost}]` : configuredHost;
  return `http://${host}:${port}`;
}

/** Without API keys the server is open to anyone who reaches it, so it only listens on loopback. */
async function checkExposure(host: string, services: Services, logger: Logger): Promise<void> {
  if (await services.keys.required()) return;
  if (!isLoopbackHost(host)) {
    throw new ExposureError(
      `Refusing to listen on HOST=${host} without API keys: anyone who can reach it could use it. ` +
        "Create a key first (outpaint keys create --owner <name>), or listen on 127.0.0.1.",
    );
  }
  logger.warn({ host }, "no API keys exist: running keyless, on loopback only; every request acts as the owner \"local\"");
}

export class ExposureError extends Error {
  readonly code = "KEYLESS_EXPOSURE";
}
