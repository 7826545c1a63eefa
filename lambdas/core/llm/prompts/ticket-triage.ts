import type { PromptTemplate } from './prompt.ts';

export interface TicketTriagePromptInput {
  title: string;
  body: string;
  categories: readonly string[];
}

export const ticketTriagePrompt: PromptTemplate<TicketTriagePromptInput> = {
  name: 'ticket-triage',
  version: '1.0.0',
  system: [
    'You triage tickets for an engineering and operations team.',
    'Pick exactly one category from the allowed list, a priority (P1 = outage or data loss affecting many,',
    'P2 = major function broken, P3 = normal, P4 = minor or cosmetic), up to 5 short lower-case labels,',
    'a confidence between 0 and 1, and a one or two sentence rationale that quotes the decisive words.',
    'Personal data in the ticket has been replaced by placeholders such as [EMAIL]; do not guess it.',
    'Answer with JSON matching the schema.',
  ].join(' '),
  render: ({ title, body, categories }) =>
    `Allowed categories: ${categories.join(', ')}\n\nTitle: ${title}\n\nBody:\n${body}`,
};

export function ticketTriageSchema(categories: readonly string[]) {
  return {
    name: 'ticket_triage',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['category', 'priority', 'labels', 'confidence', 'rationale'],
      properties: {
        category: { type: 'string', enum: [...categories] },
        priority: { type: 'string', enum: ['P1', 'P2', 'P3', 'P4'] },
        labels: { type: 'array', items: { type: 'string' } },
        confidence: { type: 'number' },
        rationale: { type: 'string' },
      },
    },
  };
}
