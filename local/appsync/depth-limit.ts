import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * The introspection entry points. Their subtrees describe the schema, not data: GraphiQL's introspection query
 * is 15 levels deep, so they are exempt from the depth limit. They stay bounded by graphql-js's own
 * `MaxIntrospectionDepthRule` (in `specifiedRules`, which the endpoint always applies) and the parser's token
 * limit.
 */
const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

/**
 * A validation rule like AppSync's `queryDepthLimit`: rejects operations nested deeper than `maxDepth`,
 * introspection fields excepted.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (INTROSPECTION_FIELDS.has(selection.name.value)) continue;
          const below = selection.selectionSet ? depthOf(selection.selectionSet, visiting) : 0;
          deepest = Math.max(deepest, 1 + below);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
          if (!fragment || visiting.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...visiting, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}`, { nodes: [node] }),
          );
        }
      },
    };
  };
}

/**
 * How deep `{`, `[` and `(` may nest in a query's text. graphql-js parses recursively and has no depth option
 * (only `maxTokens`), so a query nested about a thousand levels deep overflows the stack inside `parse`, well
 * under the token limit. This bound sits far above anything the depth limit lets through (GraphiQL's
 * introspection query nests 10 levels) and far below that overflow.
 */
export const MAX_TEXT_NESTING = 100;

/**
 * The deepest bracket nesting in a GraphQL document's text, read in one pass without parsing it (so before the
 * parser can overflow); brackets in strings and comments do not count, and the scan stops once `limit` is
 * passed.
 */
export function textNestingDepth(source: string, limit = MAX_TEXT_NESTING): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i + 1 < source.length && source[i + 1] !== '\n' && source[i + 1] !== '\r') i += 1;
    } else if (char === '"') {
      i = stringEnd(source, i);
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      deepest = Math.max(deepest, depth);
      if (deepest > limit) break;
    } else if (char === '}' || char === ']' || char === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/**
 * Where the string opened at `start` ends. An unterminated one ends at its line's end (a block string at the
 * text's end), never rescanned: a regular expression backtracks quadratically on `"\"\"\…`.
 */
function stringEnd(source: string, start: number): number {
  if (source.startsWith('"""', start)) {
    for (let from = start + 3; ; ) {
      const close = source.indexOf('"""', from);
      if (close === -1) return source.length;
      if (source[close - 1] !== '\\') return close + 2;
      from = close + 3;
    }
  }
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i += 1;
    else if (char === '"' || char === '\n' || char === '\r') return i;
  }
  return source.length;
}
