import { graphql } from '../../gql/index.ts';

/** What the list and the ticket page both show. */
export const TicketBasics = graphql(`
  fragment TicketBasics on Ticket {
    id
    ownerId
    title
    body
    project
    team
    status
    version
    createdAt
    updatedAt
    triage { status category priority labels confidence correction }
  }
`);

export const TicketDocument = graphql(`
  query Ticket($id: ID!) {
    ticket(id: $id) {
      ...TicketBasics
      triage { details rationale classifierVersion correction }
    }
  }
`);

export const TicketHistoryDocument = graphql(`
  query TicketHistory($id: ID!) {
    ticketHistory(id: $id) { at actorId action changes meta }
  }
`);

export const TicketAtDocument = graphql(`
  query TicketAt($id: ID!, $at: AWSDateTime!) {
    ticketAt(id: $id, at: $at) {
      id
      title
      status
      version
      updatedAt
      triage { status category priority labels confidence }
    }
  }
`);

export const UpdateTicketStatusDocument = graphql(`
  mutation UpdateTicketStatus($id: ID!, $status: TicketStatus!, $expectedVersion: Int!) {
    updateTicketStatus(id: $id, status: $status, expectedVersion: $expectedVersion) {
      id
      status
      version
      updatedAt
    }
  }
`);

export const CorrectTriageDocument = graphql(`
  mutation CorrectTriage($id: ID!, $category: String!, $priority: Priority, $labels: [String!], $team: String, $expectedVersion: Int!) {
    correctTriage(id: $id, category: $category, priority: $priority, labels: $labels, team: $team, expectedVersion: $expectedVersion) {
      id
      version
      updatedAt
      team
      triage { status category priority labels confidence correction }
    }
  }
`);
