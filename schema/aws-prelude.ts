/**
 * What AppSync has built in: the AWS scalars and auth directives. `schema.graphql` must not declare them
 * (AppSync rejects that), so tools that parse the schema with graphql-js (the local endpoint, the CDK resolver
 * wiring) prepend these declarations.
 */
export const AWS_DIRECTIVES = [
  'aws_api_key',
  'aws_lambda',
  'aws_iam',
  'aws_oidc',
  'aws_cognito_user_pools',
  'aws_auth',
  'aws_subscribe',
] as const;

export const AWS_SCALARS = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;

export const AWS_PRELUDE = `
${AWS_SCALARS.map((name) => `scalar ${name}`).join('\n')}
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
`;
