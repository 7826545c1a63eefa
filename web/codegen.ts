/**
 * GraphQL Code Generator: typed operations for the console from the one schema. The generated folder is not
 * committed; `build:web` and `typecheck:web` regenerate it, so a schema change that breaks an operation breaks
 * the build (and CI's typecheck), not the user.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { AWS_PRELUDE } from '../schema/aws-prelude.ts';

const AWS_SCALAR_TYPES = {
  AWSDate: 'string',
  AWSTime: 'string',
  AWSDateTime: 'string',
  AWSTimestamp: 'number',
  AWSEmail: 'string',
  // AppSync sends AWSJSON as a JSON-encoded string.
  AWSJSON: 'string',
  AWSURL: 'string',
  AWSPhone: 'string',
  AWSIPAddress: 'string',
};

const config: CodegenConfig = {
  // AppSync has the AWS scalars and @aws_* directives built in; the schema file must not declare them.
  schema: [AWS_PRELUDE, 'schema/schema.graphql'],
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: AWS_SCALAR_TYPES,
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
  silent: true,
};

export default config;
