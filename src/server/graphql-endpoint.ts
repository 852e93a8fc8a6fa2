import type { Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import type { RequestHandler } from "express";
import type { GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { createContext, type GraphQLContext } from "../graphql/context.js";
import { formatError, formatErrors, type ErrorFormatOptions } from "../graphql/errors.js";
import type { Services } from "../services/services.js";
import { baseUrlOf } from "./base-url.js";

export interface GraphQLEndpoint {
  /** Express handler for POST/GET /graphql. */
  handler: RequestHandler;
  stop(): Promise<void>;
}

/** GraphQL over HTTP (Apollo) and over WebSocket (graphql-transport-ws) on the same server and path. */
export async function startGraphQLEndpoint(
  httpServer: Server,
  schema: GraphQLSchema,
  services: Services,
  options: { production: boolean; publicUrl: string | undefined; path: string },
  logger: Logger,
): Promise<GraphQLEndpoint> {
  const errorOptions: ErrorFormatOptions = { production: options.production, logger, schema };

  const wsServer = new WebSocketServer({ server: httpServer, path: options.path });
  const wsCleanup = useServer<Record<string, unknown>, { request: import("node:http").IncomingMessage }>(
    {
      schema,
      context: (ctx): GraphQLContext => createContext(services, baseUrlOf(ctx.extra.request, options.publicUrl), logger),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatErrors(result.errors, errorOptions) } : result,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, errorOptions),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: !options.production,
    formatError: (formatted, error) => formatError(formatted, error, errorOptions),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's landing page loads from a CDN; GET /graphql serves our own GraphiQL instead.
      ApolloServerPluginLandingPageDisabled(),
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
      context: async ({ req }) => createContext(services, baseUrlOf(req, options.publicUrl), logger),
    }),
    stop: () => apollo.stop(),
  };
}
