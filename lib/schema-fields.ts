import { buildSchema, type GraphQLObjectType } from 'graphql';

/**
 * AppSync's built-in scalars and directives. `schema/schema.graphql` must not declare them (AppSync
 * rejects that), so they are prepended here only to let graphql-js parse and validate the schema.
 */
export const APPSYNC_PRELUDE = `
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
`;

export interface RootField {
  readonly typeName: 'Query' | 'Mutation';
  readonly fieldName: string;
}

/** Every Query and Mutation field of the schema: each gets a resolver on the API function. */
export function rootFields(sdl: string): RootField[] {
  const schema = buildSchema(`${APPSYNC_PRELUDE}\n${sdl}`);
  const fieldsOf = (type: GraphQLObjectType | null | undefined, typeName: RootField['typeName']) =>
    Object.keys(type?.getFields() ?? {}).map((fieldName) => ({ typeName, fieldName }));
  return [...fieldsOf(schema.getQueryType(), 'Query'), ...fieldsOf(schema.getMutationType(), 'Mutation')];
}
