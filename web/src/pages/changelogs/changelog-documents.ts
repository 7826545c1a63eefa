import { graphql } from '../../gql/index.ts';

export const ChangelogFields = graphql(`
  fragment ChangelogFields on Changelog {
    id
    version
    previousVersion
    date
    bump
    sections { title kind items { type rawType scope description hash pr breaking } }
    markdown
    highlights
    notes
    createdAt
  }
`);

export const GenerateChangelogDocument = graphql(`
  mutation GenerateChangelog($input: ChangelogInput!, $idempotencyKey: String) {
    generateChangelog(input: $input, idempotencyKey: $idempotencyKey) {
      ...ChangelogFields
    }
  }
`);

export const ChangelogDocument = graphql(`
  query Changelog($id: ID!) {
    changelog(id: $id) {
      ...ChangelogFields
    }
  }
`);

export const ChangelogsDocument = graphql(`
  query Changelogs($limit: Int, $nextToken: String) {
    changelogs(limit: $limit, nextToken: $nextToken) {
      items { id version previousVersion date bump createdAt sections { title } }
      nextToken
    }
  }
`);
