import { readFileSync } from 'node:fs';
import { createTicketClassifier, DEFAULT_MODEL_PATH, type TicketClassifier } from '../core/tickets/index.ts';
import type { ClassifyTicket } from '../core/use-cases/tickets.ts';

/** The shipped model, or TICKET_MODEL_PATH (a team's retrained model). Read once per container. */
export function loadTicketClassifier(modelPath: string | undefined): TicketClassifier {
  return createTicketClassifier(JSON.parse(readFileSync(modelPath ?? DEFAULT_MODEL_PATH, 'utf8')) as object);
}

export function localClassify(classifier: TicketClassifier): ClassifyTicket {
  return ({ title, body, project }) => {
    const result = classifier.classify({ title, body, project: project ?? undefined });
    return {
      category: result.category,
      priority: result.priority,
      labels: result.labels,
      confidence: result.confidence.category,
      rationale: result.rationale,
      classifierVersion: result.modelVersion,
      details: {
        predictedCategory: result.predictedCategory,
        confidence: result.confidence,
        alternatives: result.alternatives,
        sources: result.sources,
      },
    };
  };
}
