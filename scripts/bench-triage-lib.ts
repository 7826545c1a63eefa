/** Reading the labelled internal tickets (data/tickets) for the triage benchmark. */
import { type LabelledTicket, parseCreatedAt, readTicketCsv } from '../lambdas/core/tickets/index.ts';

export async function readInternal(path: string): Promise<LabelledTicket[]> {
  const rows: LabelledTicket[] = [];
  for await (const r of readTicketCsv(path, {
    label: {},
    optionalLabelColumns: ['priority'],
    detectCreatedColumn: true,
  })) {
    rows.push({
      title: r.title,
      body: r.body,
      label: (r.label ?? '').toUpperCase(),
      createdAt: parseCreatedAt(r.created),
      labels: { priority: r.labels?.priority?.toUpperCase() },
    });
  }
  return rows;
}
