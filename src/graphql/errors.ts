import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLEnumType, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { AppError, BackendUnavailableError, InputError, NotFoundError } from "../core/errors.js";

// Every error a client sees carries extensions.code. Input errors also carry field, allowed and
// received. Unexpected errors are logged and reach clients without internals in production.

export interface ErrorFormatOptions {
  production: boolean;
  logger: Logger;
  /** Used to list an enum's values when a variable holds an unknown one. */
  schema: GraphQLSchema;
}

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  { production, logger, schema }: ErrorFormatOptions,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof InputError) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, field: original.field, allowed: original.allowed, received: original.received },
    };
  }
  if (original instanceof NotFoundError) {
    return { ...base, message: original.message, extensions: { code: original.code, field: original.field ?? null } };
  }
  if (original instanceof BackendUnavailableError) {
    return { ...base, message: original.message, extensions: { code: original.code, field: original.field, backend: original.backend, missing: original.missing } };
  }
  if (original instanceof AppError) return { ...base, message: original.message, extensions: { code: original.code } };
  // Apollo files every validation error under GRAPHQL_VALIDATION_FAILED; our own rules' codes (QUERY_TOO_COMPLEX) win.
  const cause = original instanceof GraphQLError ? original.originalError : undefined;
  if (cause instanceof GraphQLError && typeof cause.extensions.code === "string") {
    return { ...base, message: cause.message, extensions: { ...cause.extensions } };
  }

  const code = formatted.extensions?.code;
  if (typeof code === "string" && code !== "INTERNAL_SERVER_ERROR") {
    // A client's mistake: the server's stack says nothing useful to it.
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, ...describeCoercionError(formatted.message, schema) } };
  }
  logger.error({ err: original }, "unexpected error in a GraphQL operation");
  return {
    ...base,
    message: production ? "Internal server error" : formatted.message,
    extensions: production ? { code: "INTERNAL_SERVER_ERROR" } : { ...formatted.extensions, code: "INTERNAL_SERVER_ERROR" },
  };
}

/** Formats errors of a graphql-ws result the way Apollo formats HTTP ones. */
export function formatErrors(errors: readonly GraphQLError[], options: ErrorFormatOptions): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error.toJSON(), error.originalError ?? error, options));
}

const VARIABLE_ERROR = /^Variable "\$[^"]+" got invalid value (.*?)(?: at "[^".]+\.?([^"]*)")?; (.*)$/s;
const ENUM_ERROR = /Value "([^"]+)" does not exist in "([^"]+)" enum/;
const REQUIRED_FIELD = /Field "([^"]+)" of required type "([^"]+)" was not provided/;

/**
 * graphql-js reports variable coercion errors only in prose; this adds the same field / allowed /
 * received extensions the services give, so clients handle every input error alike.
 */
function describeCoercionError(message: string, schema: GraphQLSchema): Record<string, string> {
  const match = VARIABLE_ERROR.exec(message);
  if (!match) return {};
  const [, received = "", path = "", reason = ""] = match;
  const enumMatch = ENUM_ERROR.exec(reason);
  if (enumMatch) {
    const type = schema.getType(enumMatch[2]!);
    const values = type instanceof GraphQLEnumType ? type.getValues().map((value) => value.name).join(", ") : enumMatch[2]!;
    return { field: path, allowed: `one of ${values}`, received };
  }
  const required = REQUIRED_FIELD.exec(reason);
  if (required) return { field: path ? `${path}.${required[1]}` : required[1]!, allowed: required[2]!, received: "nothing" };
  return { field: path, allowed: reason, received };
}
