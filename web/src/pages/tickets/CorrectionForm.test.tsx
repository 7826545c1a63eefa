import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderWith } from '../../test-utils.tsx';
import { CorrectionForm } from './CorrectionForm.tsx';

const pending = { id: 't1', version: 1, category: null, priority: null, labels: [], team: null };
const triaged = { ...pending, version: 2, category: 'INCIDENT', priority: 'P1' as const, labels: ['api'] };

const select = (name: string) => screen.getByRole('combobox', { name }) as HTMLSelectElement;

describe('CorrectionForm', () => {
  it('shows the triage that arrives after the form is on the page, and saves what the person chose', async () => {
    const { client, calls } = fakeApi(({ variables }) => ({
      data: {
        correctTriage: { id: 't1', version: 3, triage: { ...triaged.labels, category: variables.category } },
      },
    }));
    const view = renderWith(<CorrectionForm {...pending} />, client);
    expect(select('Category').value).toBe('BUG');
    expect(select('Priority').value).toBe('');

    view.rerender(<CorrectionForm {...triaged} />);
    expect(select('Category').value).toBe('INCIDENT');
    expect(select('Priority').value).toBe('P1');
    expect((screen.getByRole('textbox', { name: /Labels/ }) as HTMLInputElement).value).toBe('api');

    // Once changed, a field keeps the person's choice; the others still follow the triage.
    await userEvent.selectOptions(select('Priority'), 'P2');
    view.rerender(<CorrectionForm {...triaged} version={3} category="SECURITY" />);
    expect(select('Priority').value).toBe('P2');
    expect(select('Category').value).toBe('SECURITY');

    await userEvent.click(screen.getByRole('button', { name: 'Save correction' }));
    const saved = calls.find((c) => c.operationName === 'CorrectTriage');
    expect(saved?.variables).toMatchObject({
      category: 'SECURITY',
      priority: 'P2',
      labels: null,
      team: null,
      expectedVersion: 3,
    });
  });

  it('sends only the fields the person changed, so an untouched guess is not exported as their answer', async () => {
    const { client, calls } = fakeApi(() => ({ data: { correctTriage: { id: 't1', version: 3 } } }));
    renderWith(<CorrectionForm {...triaged} team="web" />, client);
    await userEvent.selectOptions(select('Category'), 'BUG');
    // Touched but left as it was: still not a change.
    const labels = screen.getByRole('textbox', { name: /Labels/ });
    await userEvent.type(labels, ' ');
    await userEvent.click(screen.getByRole('button', { name: 'Save correction' }));
    expect(calls.find((c) => c.operationName === 'CorrectTriage')?.variables).toMatchObject({
      category: 'BUG',
      priority: null,
      labels: null,
      team: null,
    });
  });

  it('sends a changed priority, labels and team', async () => {
    const { client, calls } = fakeApi(() => ({ data: { correctTriage: { id: 't1', version: 3 } } }));
    renderWith(<CorrectionForm {...triaged} team="web" />, client);
    await userEvent.selectOptions(select('Priority'), 'P3');
    const labels = screen.getByRole('textbox', { name: /Labels/ });
    await userEvent.clear(labels);
    await userEvent.type(labels, 'api, billing');
    const team = screen.getByRole('textbox', { name: /Team/ });
    await userEvent.clear(team);
    await userEvent.type(team, 'payments');
    await userEvent.click(screen.getByRole('button', { name: 'Save correction' }));
    expect(calls.find((c) => c.operationName === 'CorrectTriage')?.variables).toMatchObject({
      category: 'INCIDENT',
      priority: 'P3',
      labels: ['api', 'billing'],
      team: 'payments',
    });
  });

  it('offers the team guess the classifier held back, and saves the team the person routes it to', async () => {
    const { client, calls } = fakeApi(() => ({ data: { correctTriage: { id: 't1', version: 3 } } }));
    renderWith(<CorrectionForm {...triaged} suggestedTeam={{ value: 'sre', confidence: 0.31 }} />, client);
    const team = screen.getByRole('textbox', { name: /Team/ }) as HTMLInputElement;
    // Not filled in: saving without a look must not route it to the guess.
    expect(team.value).toBe('');
    expect(team.placeholder).toBe('sre');
    expect(screen.getByText(/guess, sre \(31%\), was not confident enough/)).toBeTruthy();
    await userEvent.type(team, ' payments ');
    await userEvent.click(screen.getByRole('button', { name: 'Save correction' }));
    expect(calls.find((c) => c.operationName === 'CorrectTriage')?.variables).toMatchObject({
      team: 'payments',
    });
  });
});
