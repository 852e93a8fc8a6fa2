import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import type { RequestHandler } from "express";
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { createContext, type GraphQLContext } from "../graphql/context.js";
import { DEFAULT_QUERY_LIMITS, queryLimitRules } from "../graphql/limits.js";
import { formatError, formatErrors, type ErrorFormatOptions } from "../graphql/errors.js";
import type { Services } from "../services/services.js";
import { AppError, RateLimitedError } from "../core/errors.js";
import type { Caller } from "../core/owner.js";
import { callerOf, wsAuthorization, type RequestGate } from "./auth.js";
import { baseUrlOf } from "./base-url.js";
import type { RevokedSockets } from "./revoked-sockets.js";

export interface GraphQLEndpoint {
  /** Express handler for POST/GET /graphql. */
  handler: RequestHandler;
  /** Takes a WebSocket upgrade request for the path (server.ts routes upgrades by path). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  stop(): Promise<void>;
}

/** A WebSocket message (a subscription document and its variables) may not be larger. */
const MAX_DOCUMENT_BYTES = 256 * 1024;
/** Parsing stops past this many tokens, before any validation work (the standard introspection query has about 300). */
const MAX_DOCUMENT_TOKENS = 5000;
/** Operations one WebSocket may have running at once (subscriptions mostly). */
const MAX_OPERATIONS_PER_SOCKET = 1000;

/** GraphQL over HTTP (Apollo) and over WebSocket (graphql-transport-ws) on the same server and path. */
export async function startGraphQLEndpoint(
  httpServer: Server,
  schema: GraphQLSchema,
  services: Services,
  gate: RequestGate,
  options: { production: boolean; introspection: boolean; publicUrl: string | undefined; path: string },
  revokedSockets: RevokedSockets,
  logger: Logger,
): Promise<GraphQLEndpoint> {
  const errorOptions: ErrorFormatOptions = { production: options.production, logger, schema };
  // The same limits over HTTP and WebSocket: Apollo adds its own introspection rule when off.
  const limits = queryLimitRules(DEFAULT_QUERY_LIMITS);
  const wsRules = [...specifiedRules, ...limits, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];

  const wsServer = new WebSocketServer({ noServer: true, maxPayload: MAX_DOCUMENT_BYTES });
  const wsCleanup = useServer<Record<string, unknown>, { request: IncomingMessage; authorization?: string; caller?: Caller }>(
    {
      schema,
      parse: (source) => parse(source, { maxTokens: MAX_DOCUMENT_TOKENS }),
      validate: (wsSchema, document) => validate(wsSchema, document, wsRules),
      // A connection without a valid key is closed with 4403 Forbidden before any operation.
      onConnect: async (ctx) => {
        try {
          await gate.checkKeylessOrigin(ctx.extra.request);
          ctx.extra.authorization = wsAuthorization(ctx.connectionParams, ctx.extra.request);
          ctx.extra.caller = await gate.admit(ctx.extra.authorization);
          if (ctx.extra.caller.keyId) revokedSockets.add(ctx.extra.socket, ctx.extra.caller.keyId);
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
      },
      // Every operation is checked again: a key revoked since the connection opened stops working,
      // and each operation takes one of the key's tokens. A socket may not hold too many at once.
      onSubscribe: async (ctx) => {
        try {
          if (Object.keys(ctx.subscriptions).length >= MAX_OPERATIONS_PER_SOCKET) {
            throw new RateLimitedError(`At most ${MAX_OPERATIONS_PER_SOCKET} operations at once per WebSocket; complete some first`, 1);
          }
          ctx.extra.caller = await gate.admit(ctx.extra.authorization);
          return undefined;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const retry = error instanceof RateLimitedError ? { retryAfterSeconds: error.retryAfterSeconds } : {};
          return [new GraphQLError(error.message, { extensions: { code: error.code, ...retry } })];
        }
      },
      context: (ctx): GraphQLContext =>
        createContext(services, ctx.extra.caller!, baseUrlOf(ctx.extra.request, options.publicUrl), logger),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatErrors(result.errors, errorOptions) } : result,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, errorOptions),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: options.introspection,
    validationRules: limits,
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    includeStacktraceInErrorResponses: !options.production,
    // The process's own SIGTERM handler drains everything, this included; Apollo's would stop
    // itself and re-raise the signal, which ended the process before running jobs were handed back.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, errorOptions),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's landing page loads from a CDN; GET /graphql serves our own GraphiQL instead.
      ApolloServerPluginLandingPageDisabled(),
      subscriptionsOverWebSocketOnly(options.path),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  return {
    handler: expressMiddleware(apollo, {
      // requireCaller, in front of this handler, has admitted the request.
      context: async ({ req, res }) => createContext(services, callerOf(res), baseUrlOf(req, options.publicUrl), logger),
    }),
    handleUpgrade: (request, socket, head) => wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit("connection", ws, request)),
    stop: () => apollo.stop(),
  };
}

/**
 * A subscription sent over HTTP is the client's mistake (graphql-js would run it as a query and
 * fail inside): it is refused as a bad request that says where subscriptions run.
 */
function subscriptionsOverWebSocketOnly(path: string): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError(`Subscriptions run over WebSocket (graphql-transport-ws) at ${path}, not over HTTP`, {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        },
      };
    },
  };
}
