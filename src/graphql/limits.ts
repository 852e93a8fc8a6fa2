import {
  GraphQLError,
  Kind,
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
}

// The standard introspection query (what GraphiQL sends) is 15 levels deep, 9 of them the
// `ofType` chain that unwraps lists and non-nulls; with those levels not counted (see below) it
// is 6 deep and has 220 fields, well inside these limits.
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 20, maxFields: 500, maxRootFields: 10 };

interface Measure {
  depth: number;
  // Every field counted once per place it ends up after expanding fragments bounds the work an
  // operation can ask for: each is at least one resolver call or one value in the response.
  fields: number;
  rootFields: number;
}

const NOTHING: Measure = { depth: 0, fields: 0, rootFields: 0 };

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

function operationLimitRule({ maxDepth, maxFields, maxRootFields }: QueryLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const measure = measurer(context);
      const measured = document.definitions
        .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
        .map((operation) => ({ operation, ...measure(operation.selectionSet) }));
      const checks: [keyof Measure, number, string, (count: number) => string][] = [
        ["depth", maxDepth, `a query depth of at most ${maxDepth}`, (depth) => `depth ${depth}`],
        ["fields", maxFields, `at most ${maxFields} fields`, String],
        ["rootFields", maxRootFields, `at most ${maxRootFields} top-level fields`, String],
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
function measurer(context: ValidationContext): (selectionSet: SelectionSetNode) => Measure {
  const fragments = new Map<string, Measure>();
  const expanding = new Set<string>();

  function measureSelections(selectionSet: SelectionSetNode, inIntrospection: boolean): Measure {
    const total = { ...NOTHING };
    for (const selection of selectionSet.selections) {
      const part = measureSelection(selection, inIntrospection);
      total.depth = Math.max(total.depth, part.depth);
      total.fields += part.fields;
      total.rootFields += part.rootFields;
    }
    return total;
  }

  function measureSelection(selection: SelectionNode, inIntrospection: boolean): Measure {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        const introspection = inIntrospection || name === "__schema" || name === "__type";
        const children = selection.selectionSet ? measureSelections(selection.selectionSet, introspection) : NOTHING;
        // Under __schema / __type, `ofType` can only be __Type.ofType: a chain as long as the
        // wrappers of one type ([Job!]! is three) that never fans out, so it adds no depth.
        const level = introspection && name === "ofType" ? 0 : 1;
        return { depth: level + children.depth, fields: 1 + children.fields, rootFields: 1 };
      }
      case Kind.INLINE_FRAGMENT:
        return measureSelections(selection.selectionSet, inIntrospection);
      case Kind.FRAGMENT_SPREAD: {
        // The same fragment measures differently inside introspection, so that is part of the key.
        const key = `${selection.name.value}:${inIntrospection}`;
        const known = fragments.get(key);
        if (known) return known;
        const fragment = context.getFragment(selection.name.value);
        if (!fragment || expanding.has(key)) return NOTHING;
        expanding.add(key);
        const measured = measureSelections(fragment.selectionSet, inIntrospection);
        expanding.delete(key);
        fragments.set(key, measured);
        return measured;
      }
    }
  }

  return (selectionSet) => measureSelections(selectionSet, false);
}

function queryTooComplex(allowed: string, received: string, node: ASTNode | undefined): GraphQLError {
  return new GraphQLError(`Expected ${allowed} for query but received ${received}`, {
    nodes: node,
    extensions: { code: "QUERY_TOO_COMPLEX", field: "query", allowed, received },
  });
}
