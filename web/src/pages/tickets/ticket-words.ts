import type { Priority, TicketStatus } from '../../gql/graphql.ts';

/** The shipped model's categories (DESIGN §6); a team's retrained model may use others (typed in freely). */
export const CATEGORIES = ['BUG', 'FEATURE', 'QUESTION', 'INCIDENT', 'TASK', 'SECURITY'] as const;
export const NEEDS_REVIEW = 'NEEDS_REVIEW';
export const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
export const STATUSES: TicketStatus[] = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'];

export const PRIORITY_WORDS: Record<Priority, string> = {
  P1: 'P1 · urgent',
  P2: 'P2 · high',
  P3: 'P3 · normal',
  P4: 'P4 · low',
};

export const PRIORITY_COLORS: Record<Priority, string> = { P1: 'red', P2: 'orange', P3: 'blue', P4: 'gray' };

export function categoryWord(category: string | null | undefined): string {
  if (!category) return '—';
  if (category === NEEDS_REVIEW) return 'Needs review';
  return category.charAt(0) + category.slice(1).toLowerCase();
}
