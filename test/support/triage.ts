import type { TriageAnswer } from '../../lambdas/core/jobs/kinds/triage-ticket/run.ts';

/** What the local classifier answered before a model refines it. */
export const LOCAL_TRIAGE_ANSWER: TriageAnswer = {
  category: 'BUG',
  priority: 'P3',
  labels: [],
  confidence: 0.6,
  rationale: 'local',
  classifierVersion: 'local-1',
  details: {},
};
