import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type GraphQLNamedType,
  type ASTNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/** What one GraphQL document may ask for, checked while it is validated, before anything runs. */
export interface QueryLimits {
  /** Deepest field nesting of an operation, fragments expanded. */
  maxDepth: number;
  /** Aliased fields written in the document. */
  maxAliases: number;
  /** Field selections of an operation, each fragment counted at every place it is spread. */
  maxFields: number;
  /** Top-level fields of an operation. */
  maxRootFields: number;
  /**
   * Values an operation may produce at most: each field counts once per item of every list above
   * it, a page (`first`) as its size (the default page when absent), any other list as 10.
   */
  maxCost: number;
}

// The standard introspection query (what GraphiQL sends) is 15 levels deep, 9 of them the
// `ofType` chain that unwraps lists and non-nulls; with those levels not counted (see below) it
// is 6 deep and has 220 fields, well inside these limits.
// A full page of 100 jobs with every field, its images, passes and webhook deliveries costs about
// 20,000; the same page nested through prompt.jobs three times would cost 10^6.
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 20, maxFields: 500, maxRootFields: 10, maxCost: 50_000 };

/** Page size when `first` is absent, and the largest it may be (see core/pagination). */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
/** Lists without a page argument (a prompt's jobs, a job's passes) hold a few items; 10 is the most numImages gives. */
const SHORT_LIST = 10;

interface Measure {
  depth: number;
  // Every field counted once per place it ends up after expanding fragments bounds the work an
  // operation can ask for: each is at least one resolver call or one value in the response.
  fields: number;
  rootFields: number;
  cost: number;
}

const NOTHING: Measure = { depth: 0, fields: 0, rootFields: 0, cost: 0 };

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [aliasLimitRule(limits), operationLimitRule(limits)];
}

function aliasLimitRule({ maxAliases }: QueryLimits): ValidationRule {
  return (context) => {
    const aliased: FieldNode[] = [];
    return {
      Field(field) {
        if (field.alias) aliased.push(field);
      },
      Document: {
        leave() {
          if (aliased.length <= maxAliases) return;
          const firstTooMany = aliased[maxAliases];
          context.reportError(queryTooComplex(`at most ${maxAliases} aliases`, `${aliased.length}`, firstTooMany));
        },
      },
    };
  };
}

function operationLimitRule({ maxDepth, maxFields, maxRootFields, maxCost }: QueryLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const measure = measurer(context);
      const measured = document.definitions
        .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
        .map((operation) => ({ operation, ...measure(operation) }));
      const checks: [keyof Measure, number, string, (count: number) => string][] = [
        ["depth", maxDepth, `a query depth of at most ${maxDepth}`, (depth) => `depth ${depth}`],
        ["fields", maxFields, `at most ${maxFields} fields`, String],
        ["rootFields", maxRootFields, `at most ${maxRootFields} top-level fields`, String],
        ["cost", maxCost, `a cost of at most ${maxCost} (fields times list sizes)`, (cost) => `cost ${cost}`],
      ];
      // Each kind is reported once, for the operation that exceeds it most.
      for (const [kind, max, allowed, describe] of checks) {
        const worst = measured.toSorted((a, b) => b[kind] - a[kind])[0];
        if (worst && worst[kind] > max) context.reportError(queryTooComplex(allowed, describe(worst[kind]), worst.operation));
      }
      // Everything was measured here; graphql-js need not walk the document for this rule.
      return false;
    },
  });
}

/**
 * Measures selection sets with fragments expanded, measuring each fragment once per document. A
 * fragment spread inside itself counts as nothing: NoFragmentCycles reports the cycle.
 */
function measurer(context: ValidationContext): (operation: OperationDefinitionNode) => Measure {
  const schema = context.getSchema();
  const fragments = new Map<string, Measure>();
  const expanding = new Set<string>();

  /** `page`: the size of the page whose items (`nodes`) these selections may be. */
  function measureSelections(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, inIntrospection: boolean, page: number): Measure {
    const total = { ...NOTHING };
    for (const selection of selectionSet.selections) {
      const part = measureSelection(selection, parent, inIntrospection, page);
      total.depth = Math.max(total.depth, part.depth);
      total.fields += part.fields;
      total.rootFields += part.rootFields;
      total.cost += part.cost;
    }
    return total;
  }

  function measureSelection(selection: SelectionNode, parent: GraphQLNamedType | undefined, inIntrospection: boolean, page: number): Measure {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        const introspection = inIntrospection || name === "__schema" || name === "__type";
        const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        // A connection (a field taking `first`) hands its page size to the list of its items.
        const paged = definition?.args.some((argument) => argument.name === "first") ?? false;
        const childPage = paged ? (pageSizeOf(selection) ?? DEFAULT_PAGE) : NOT_A_PAGE;
        const children = selection.selectionSet
          ? measureSelections(selection.selectionSet, definition && getNamedType(definition.type), introspection, childPage)
          : NOTHING;
        // Under __schema / __type, `ofType` can only be __Type.ofType: a chain as long as the
        // wrappers of one type ([Job!]! is three) that never fans out, so it adds no depth.
        const level = introspection && name === "ofType" ? 0 : 1;
        // A list's items are the page of the connection above it, or a short list; introspection
        // is bounded by graphql-js's own MaxIntrospectionDepthRule instead.
        const isList = definition !== undefined && isListType(getNullableType(definition.type));
        const items = introspection || !isList ? 1 : page !== NOT_A_PAGE ? page : SHORT_LIST;
        return { depth: level + children.depth, fields: 1 + children.fields, rootFields: 1, cost: 1 + items * children.cost };
      }
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        return measureSelections(selection.selectionSet, type, inIntrospection, page);
      }
      case Kind.FRAGMENT_SPREAD: {
        // The same fragment measures differently inside introspection or a page, so those are part of the key.
        const key = `${selection.name.value}:${inIntrospection}:${page}`;
        const known = fragments.get(key);
        if (known) return known;
        const fragment = context.getFragment(selection.name.value);
        if (!fragment || expanding.has(key)) return NOTHING;
        expanding.add(key);
        const measured = measureSelections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), inIntrospection, page);
        expanding.delete(key);
        fragments.set(key, measured);
        return measured;
      }
    }
  }

  return (operation) => {
    const root = schema.getRootType(operation.operation) ?? undefined;
    return measureSelections(operation.selectionSet, root, false, NOT_A_PAGE);
  };
}

/** Marks selections that are not a connection's: their lists count as short lists. */
const NOT_A_PAGE = -1;

/** A field's `first` argument as a number of items: the literal, or the largest page for a variable. */
function pageSizeOf(field: FieldNode): number | undefined {
  const first = field.arguments?.find((argument) => argument.name.value === "first");
  if (!first) return undefined;
  if (first.value.kind === Kind.INT) return Math.min(MAX_PAGE, Math.max(0, Number(first.value.value)));
  return MAX_PAGE;
}

function queryTooComplex(allowed: string, received: string, node: ASTNode | undefined): GraphQLError {
  return new GraphQLError(`Expected ${allowed} for query but received ${received}`, {
    nodes: node,
    extensions: { code: "QUERY_TOO_COMPLEX", field: "query", allowed, received },
  });
}
