import { Badge, Loader } from '@mantine/core';
import type { JobStatus, TicketStatus } from '../gql/graphql.ts';

const JOB_COLORS: Record<JobStatus, string> = {
  QUEUED: 'gray',
  PROCESSING: 'blue',
  SUCCEEDED: 'green',
  FAILED: 'red',
  AWAITING_UPLOAD: 'yellow',
};

const JOB_WORDS: Record<JobStatus, string> = {
  QUEUED: 'Queued',
  PROCESSING: 'Processing',
  SUCCEEDED: 'Done',
  FAILED: 'Failed',
  AWAITING_UPLOAD: 'Awaiting upload',
};

/**
 * A badge's word is cut with an ellipsis when its box is narrower than the word, and a table column squeezed
 * on a phone gives it less (QA, 6 Dec: "DO…" at 390 px): a status badge is never narrower than its word.
 */
const WHOLE_WORD = 'max-content';

export function JobStatusBadge({ status }: { status: JobStatus }) {
  const busy = status === 'QUEUED' || status === 'PROCESSING';
  return (
    <Badge
      color={JOB_COLORS[status]}
      variant="light"
      miw={WHOLE_WORD}
      leftSection={busy ? <Loader size={10} color={JOB_COLORS[status]} aria-hidden /> : undefined}
    >
      {JOB_WORDS[status]}
    </Badge>
  );
}

const TICKET_COLORS: Record<TicketStatus, string> = {
  OPEN: 'blue',
  IN_PROGRESS: 'yellow',
  RESOLVED: 'green',
  CLOSED: 'gray',
};

export const TICKET_STATUS_WORDS: Record<TicketStatus, string> = {
  OPEN: 'Open',
  IN_PROGRESS: 'In progress',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
};

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge color={TICKET_COLORS[status]} variant="outline" miw={WHOLE_WORD}>
      {TICKET_STATUS_WORDS[status]}
    </Badge>
  );
}
