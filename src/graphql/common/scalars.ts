import { GraphQLDateTime } from "graphql-scalars";

/** JS Date fields appear as `DateTime` (RFC 3339 strings) in the schema. */
export const scalarsMap = [{ type: Date, scalar: GraphQLDateTime }];
