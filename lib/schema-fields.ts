import { buildSchema, type GraphQLObjectType } from 'graphql';
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
