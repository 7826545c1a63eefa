import { screen } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { describe, expect, it } from 'vitest';
import { renderWith } from '../../test-utils.tsx';
import { readDetails, TriageCard } from './TriageCard.tsx';

const details = {
  predictedCategory: 'BUG',
  confidence: { category: 0.42, priority: 0.7, labels: { ui: 0.81 } },
  alternatives: {
    category: [{ name: 'QUESTION', confidence: 0.31 }],
    priority: [{ name: 'P1', confidence: 0.2 }],
  },
};

type Triage = ComponentProps<typeof TriageCard>['triage'];

/** A finished triage: the classifier's answer, as the API returns it. */
const succeeded = (answer: Partial<Triage>): Triage => ({
  status: 'SUCCEEDED',
  category: 'BUG',
  priority: 'P3',
  labels: [],
  confidence: 0.9,
  details: JSON.stringify(details),
  rationale: 'BUG (90%).',
  classifierVersion: 'tickets-abc',
  correction: null,
  ...answer,
});

describe('TriageCard', () => {
  it('shows confidence bars, alternatives and the rationale, and the best guess when the classifier abstains', () => {
    renderWith(
      <TriageCard
        triage={succeeded({
          category: 'NEEDS_REVIEW',
          priority: 'P2',
          labels: ['ui'],
          confidence: 0.42,
          rationale: 'NEEDS_REVIEW: best guess BUG 42%',
        })}
      />,
    );
    expect(screen.getByTestId('triage-category').textContent).toBe('Needs review');
    expect(screen.getByText(/its best guess is Bug/)).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Category confidence: 42%' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Priority confidence: 70%' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Confidence in label ui: 81%' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Confidence in QUESTION: 31%' })).toBeTruthy();
    expect(screen.getByText('NEEDS_REVIEW: best guess BUG 42%')).toBeTruthy();
  });

  it('leaves out alternatives that would read 0.0%, and their heading when none is left', () => {
    const faint = {
      ...details,
      alternatives: {
        category: [
          { name: 'QUESTION', confidence: 0.012 },
          { name: 'FEATURE', confidence: 0.0004 },
        ],
        priority: [{ name: 'P1', confidence: 0.0001 }],
      },
    };
    renderWith(<TriageCard triage={succeeded({ details: JSON.stringify(faint) })} />);
    expect(screen.getByRole('progressbar', { name: 'Confidence in QUESTION: 1.2%' })).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: /Confidence in FEATURE/ })).toBeNull();
    expect(screen.queryByText('0.0%')).toBeNull();
    expect(screen.queryByText('Other priorities')).toBeNull();
  });

  it('says when the rules chose a priority the model found less likely than another', () => {
    const ruled = {
      confidence: { category: 0.83, priority: 0.16, labels: {} },
      alternatives: { category: [], priority: [{ name: 'P3', confidence: 0.5 }] },
    };
    renderWith(
      <TriageCard
        triage={succeeded({
          category: 'SECURITY',
          priority: 'P1',
          confidence: 0.83,
          details: JSON.stringify(ruled),
          rationale:
            'SECURITY (83%). Priority P1 as a precaution: this SECURITY is P1 with a 16% chance, and 10% is enough to escalate it.',
        })}
      />,
    );
    expect(screen.getByTestId('priority-overruled').textContent).toBe(
      'Chosen by the impact rules over P3 (50% likely): see Why.',
    );
  });

  it('says nothing about the rules when the chosen priority is the likeliest', () => {
    renderWith(<TriageCard triage={succeeded({ priority: 'P2' })} />);
    expect(screen.queryByTestId('priority-overruled')).toBeNull();
  });

  it('says who corrected the triage and when, and shows none of the classifier’s bars for the person’s answer', () => {
    const correction = {
      category: 'FEATURE',
      priority: 'P2',
      labels: ['ui'],
      by: 'u9',
      at: '2026-12-06T11:00:00Z',
    };
    renderWith(
      <TriageCard
        triage={succeeded({
          category: 'FEATURE',
          priority: 'P2',
          labels: ['ui'],
          confidence: 0.42,
          correction: JSON.stringify(correction),
        })}
        who={(id) => (id === 'u9' ? 'you' : id)}
      />,
    );
    const note = screen.getByTestId('triage-corrected').textContent ?? '';
    expect(note).toMatch(/^Corrected by you on .+\. The classifier’s answer was Bug \(42%\)\.$/);
    expect(screen.getByText('Corrected')).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: /^Category confidence/ })).toBeNull();
    expect(screen.queryByRole('progressbar', { name: /^Priority confidence/ })).toBeNull();
    expect(screen.queryByRole('progressbar', { name: /^Confidence in label/ })).toBeNull();
    expect(screen.getByTestId('triage-category').textContent).toBe('Feature');
    // The alternatives stay, as the classifier's: not "other" than the person's answer.
    expect(screen.getByText('The classifier’s other categories')).toBeTruthy();
    expect(screen.getByText('The classifier’s other priorities')).toBeTruthy();
    expect(screen.queryByText('Other categories')).toBeNull();
  });

  it('shows no correction marker for the classifier’s own answer', () => {
    renderWith(<TriageCard triage={succeeded({})} />);
    expect(screen.queryByTestId('triage-corrected')).toBeNull();
    expect(screen.queryByText('Corrected')).toBeNull();
  });

  /** As lambdas/core/llm/ticket-triage.ts stores it: the model answered INCIDENT / P2, the classifier BUG / P3. */
  const modelDetails = (llm: Record<string, unknown>) =>
    JSON.stringify({
      predictedCategory: 'BUG',
      confidence: { category: 0.4, priority: 0.8242, labels: { ui: 0.81 } },
      alternatives: {
        category: [
          { name: 'SECURITY', confidence: 0.28 },
          { name: 'TASK', confidence: 0.09 },
        ],
        priority: [
          { name: 'P2', confidence: 0.0823 },
          { name: 'P4', confidence: 0.0685 },
        ],
      },
      local: {
        category: 'BUG',
        priority: 'P3',
        labels: ['ui'],
        confidence: 0.4,
        rationale: 'BUG (40%).',
        classifierVersion: 'tickets-abc',
      },
      llm,
    });
  const modelTriage = succeeded({
    category: 'INCIDENT',
    priority: 'P2',
    labels: ['ui'],
    confidence: 0.91,
    rationale: 'The service is down for everyone.',
    classifierVersion: 'gpt-x (ticket-triage@1)',
    details: modelDetails({
      model: 'gpt-x',
      fallback: false,
      fallbackReason: null,
      answer: { category: 'INCIDENT', priority: 'P2', labels: ['ui'], confidence: 0.91 },
    }),
  });

  it('pairs the model’s answer with the model’s confidence only, and labels the local classifier’s bars as its own', () => {
    renderWith(<TriageCard triage={modelTriage} />);
    expect(screen.getByRole('progressbar', { name: 'The model’s confidence: 91%' })).toBeTruthy();
    // The local classifier's confidences were never about the model's INCIDENT / P2.
    expect(screen.queryByRole('progressbar', { name: /^Category confidence/ })).toBeNull();
    expect(screen.queryByRole('progressbar', { name: /^Priority confidence/ })).toBeNull();
    expect(screen.queryByRole('progressbar', { name: /^Confidence in label/ })).toBeNull();
    expect(screen.queryByText('Other priorities')).toBeNull();
    expect(screen.queryByText('Other categories')).toBeNull();
    const local = screen.getByTestId('triage-local');
    expect(local.textContent).toContain('The local classifier’s view');
    expect(
      screen.getByRole('progressbar', { name: 'Local classifier’s confidence in BUG: 40%' }),
    ).toBeTruthy();
    expect(
      screen.getByRole('progressbar', { name: 'Local classifier’s confidence in P3: 82%' }),
    ).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Confidence in SECURITY: 28%' })).toBeTruthy();
    expect(local.textContent).toContain('Its other priorities');
    expect(screen.getByText('Model gpt-x (ticket-triage@1)')).toBeTruthy();
    expect(screen.getByText('Classifier tickets-abc')).toBeTruthy();
  });

  it('shows the classifier’s bars as the answer’s own when the model was not used (a fallback)', () => {
    renderWith(
      <TriageCard
        triage={succeeded({
          priority: 'P3',
          confidence: 0.4,
          details: modelDetails({
            model: null,
            fallback: true,
            fallbackReason: 'timeout',
            rejectedAnswer: null,
          }),
        })}
      />,
    );
    expect(screen.getByRole('progressbar', { name: 'Category confidence: 40%' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Priority confidence: 82%' })).toBeTruthy();
    expect(screen.getByText('Other priorities')).toBeTruthy();
    expect(screen.queryByTestId('triage-local')).toBeNull();
  });

  it('names the model’s answer, not the classifier’s guess, when a model-triaged ticket was corrected', () => {
    renderWith(
      <TriageCard
        triage={{
          ...modelTriage,
          category: 'BUG',
          correction: JSON.stringify({ category: 'BUG', by: 'u9', at: '2026-12-06T11:00:00Z' }),
        }}
        who={() => 'you'}
      />,
    );
    expect(screen.getByTestId('triage-corrected').textContent).toMatch(
      /The model’s answer was Incident \(91%\)\.$/,
    );
    expect(screen.queryByRole('progressbar', { name: /^The model’s confidence/ })).toBeNull();
  });

  it('says the classifier is working while triage is queued', () => {
    renderWith(
      <TriageCard
        triage={{
          status: 'QUEUED',
          category: null,
          priority: null,
          labels: [],
          confidence: null,
          details: null,
          rationale: null,
          classifierVersion: null,
          correction: null,
        }}
      />,
    );
    expect(screen.getByRole('status').textContent).toContain('updates by itself');
  });
});

describe('readDetails', () => {
  it('reads the team guess the classifier held back, and nothing for a routed team', () => {
    const team = (needsReview: boolean) =>
      JSON.stringify({ extra: { team: { value: 'sre', confidence: 0.31, alternatives: [], needsReview } } });
    expect(readDetails(team(true)).unroutedTeam).toEqual({ value: 'sre', confidence: 0.31 });
    expect(readDetails(team(false)).unroutedTeam).toBeUndefined();
    expect(readDetails(null).unroutedTeam).toBeUndefined();
  });
});
