import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/app-function.ts';
import { rootFields } from '../../lib/schema-fields.ts';
import { AWS_PRELUDE } from '../../schema/aws-prelude.ts';

describe('rootFields', () => {
  it('lists every Query and Mutation field of a schema that uses AppSync scalars and directives', () => {
    const sdl = `
      type User @aws_api_key @aws_lambda { id: ID! email: AWSEmail! createdAt: AWSDateTime! }
      type Query { me: User ping(at: AWSTimestamp): AWSJSON }
      type Mutation { login(email: AWSEmail!, password: String!): User @aws_api_key }
    `;
    expect(rootFields(sdl)).toEqual([
      { typeName: 'Query', fieldName: 'me' },
      { typeName: 'Query', fieldName: 'ping' },
      { typeName: 'Mutation', fieldName: 'login' },
    ]);
  });

  it('returns no Mutation fields for a schema without a Mutation type', () => {
    expect(rootFields('type Query { me: String }')).toEqual([{ typeName: 'Query', fieldName: 'me' }]);
  });

  it('rejects a schema that does not parse, so a broken schema fails synth', () => {
    expect(() => rootFields('type Query { me: Missing }')).toThrow(/Missing/);
  });

  it('parses the repository schema, which must not declare the AppSync built-ins itself', () => {
    const sdl = readFileSync(join(REPO_ROOT, 'schema', 'schema.graphql'), 'utf8');
    for (const name of ['AWSDateTime', 'AWSEmail', 'AWSJSON', 'aws_api_key']) {
      expect(sdl).not.toMatch(new RegExp(`(scalar|directive @)${name}\\b`));
    }
    expect(AWS_PRELUDE).toContain('scalar AWSIPAddress');
    expect(rootFields(sdl).length).toBeGreaterThan(0);
  });
});
