import { graphql } from '../../gql/index.ts';

/**
 * The entry's stored (redacted) text, fetched only when asked for: "Show raw text" and a template's "Show
 * lines" share it (one request, urql's cache). Never asked for HR: the API denies `LogEntry.raw` to HR.
 */
export const LogEntryRawDocument = graphql(`
  query LogEntryRaw($id: ID!) {
    logEntry(id: $id) {
      id
      raw
    }
  }
`);
