import { type aws_appsync as appsync, Fn } from 'aws-cdk-lib';
import { buildSchema, type GraphQLObjectType, parse, print, visit } from 'graphql';
import { AWS_PRELUDE } from '../schema/aws-prelude.ts';

export interface RootField {
  readonly typeName: 'Query' | 'Mutation';
  readonly fieldName: string;
}

/** Every Query and Mutation field of the schema: each gets a resolver on the API function. */
export function rootFields(sdl: string): RootField[] {
  const schema = buildSchema(`${AWS_PRELUDE}\n${sdl}`);
  const fieldsOf = (type: GraphQLObjectType | null | undefined, typeName: RootField['typeName']) =>
    Object.keys(type?.getFields() ?? {}).map((fieldName) => ({ typeName, fieldName }));
  return [...fieldsOf(schema.getQueryType(), 'Query'), ...fieldsOf(schema.getMutationType(), 'Mutation')];
}

/**
 * The schema as AppSync is sent it: the same definitions without descriptions or comments. AppSync's parser has
 * refused `"…"`/`"""…"""` descriptions (aws/aws-appsync-community#38, still open) and `#` comments inside enums
 * (#55); which of them it accepts today is not documented, so neither is sent. The repository schema keeps its
 * descriptions for the local endpoint, GraphiQL and the console's generated types.
 */
export function appSyncSdl(sdl: string): string {
  const withoutDescriptions = visit(parse(sdl, { noLocation: true }), {
    enter(node) {
      if ('description' in node && node.description) return { ...node, description: undefined };
      return undefined;
    },
  });
  // print() writes no comments.
  return `${print(withoutDescriptions)}\n`;
}

/** A schema definition given as text (CDK's own Definition.fromFile sends the file as it is). */
export class InlineSchema implements appsync.ISchema {
  readonly #definition: string;

  constructor(definition: string) {
    this.#definition = definition;
  }

  bind(api: Parameters<appsync.ISchema['bind']>[0]): appsync.ISchemaConfig {
    // A GraphqlApi knows its id; any other reference has it as the last part of its ARN (…:apis/<id>).
    const apiId =
      'apiId' in api && typeof api.apiId === 'string'
        ? api.apiId
        : Fn.select(1, Fn.split('/', api.graphQlApiRef.graphQlApiArn));
    return { apiId, definition: this.#definition };
  }
}
