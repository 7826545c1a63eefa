import { Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import type { Priority } from '../../gql/graphql.ts';
import { CorrectTriageDocument } from './ticket-documents.ts';
import { CATEGORIES, categoryWord, NEEDS_REVIEW, PRIORITIES, PRIORITY_WORDS } from './ticket-words.ts';

interface Props {
  id: string;
  version: number;
  category: string | null;
  priority: Priority | null;
  labels: string[];
  /** The team the ticket is routed to (the triage's or a person's), null when none. */
  team: string | null;
  /** The classifier's best guess when it abstained (NEEDS_REVIEW): the form starts from it. */
  suggested?: string | undefined;
  /** The team head's guess when it was not confident enough to route the ticket: offered, not filled in. */
  suggestedTeam?: { value: string; confidence: number } | undefined;
}

/**
 * A person's answer to the triage: applied, and kept for retraining the classifier. Each field shows the
 * current triage until the person changes it: the form is on the page before the worker answers, and a form
 * that kept its first values would offer BUG and "keep as is" for an INCIDENT P1 and save them.
 */
export function CorrectionForm({
  id,
  version,
  category,
  priority,
  labels,
  team,
  suggested,
  suggestedTeam,
}: Props) {
  const [editedCategory, setCategory] = useState<string>();
  const [editedPriority, setPriority] = useState<string>();
  const [editedLabels, setLabels] = useState<string>();
  const [editedTeam, setTeam] = useState<string>();
  const newCategory =
    editedCategory ?? (category && category !== NEEDS_REVIEW ? category : (suggested ?? CATEGORIES[0]));
  const newPriority = editedPriority ?? priority ?? '';
  const newLabels = editedLabels ?? labels.join(', ');
  const newTeam = editedTeam ?? team ?? '';
  const newLabelList = newLabels
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const [result, correct] = useMutation(CorrectTriageDocument);
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const answer = await correct(
      {
        id,
        category: newCategory,
        // Only what the person changed: a field sent as it was would be exported as their answer
        // (export-corrections), and retraining would learn the classifier's own guess back. Null keeps it.
        priority: newPriority && newPriority !== priority ? (newPriority as Priority) : null,
        labels:
          editedLabels !== undefined && newLabelList.join(',') !== labels.join(',') ? newLabelList : null,
        // Blank keeps the current team (the API refuses a blank one).
        team: newTeam.trim() === '' || newTeam.trim() === team ? null : newTeam.trim(),
        expectedVersion: version,
      },
      { additionalTypenames: ['Change'] },
    );
    setSaved(!answer.error);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="correction-title">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4" id="correction-title">
            Correct the triage
          </Title>
          <Text size="sm" c="dimmed">
            Your answer replaces the classifier’s and is kept to retrain it.
          </Text>
          <Group grow align="flex-start" wrap="wrap">
            <NativeSelect
              label="Category"
              value={newCategory}
              onChange={(e) => setCategory(e.currentTarget.value)}
              data={CATEGORIES.map((c) => ({ value: c, label: categoryWord(c) }))}
              miw={140}
            />
            <NativeSelect
              label="Priority"
              value={newPriority}
              onChange={(e) => setPriority(e.currentTarget.value)}
              data={[
                { value: '', label: 'Keep as is' },
                ...PRIORITIES.map((p) => ({ value: p, label: PRIORITY_WORDS[p] })),
              ]}
              miw={140}
            />
          </Group>
          <TextInput
            label="Labels"
            description="Comma-separated, e.g. ui, performance"
            value={newLabels}
            onChange={(e) => setLabels(e.currentTarget.value)}
          />
          <TextInput
            label="Team"
            description={
              suggestedTeam && !team
                ? `Not routed: the classifier’s guess, ${suggestedTeam.value} (${Math.round(suggestedTeam.confidence * 100)}%), was not confident enough.`
                : 'The team or queue it goes to; leave blank to keep it as is.'
            }
            placeholder={suggestedTeam && !team ? suggestedTeam.value : undefined}
            value={newTeam}
            onChange={(e) => setTeam(e.currentTarget.value)}
          />
          <ErrorNotice error={result.error} action="Could not save the correction" />
          <Group>
            <Button type="submit" variant="light" loading={result.fetching}>
              Save correction
            </Button>
            {saved && (
              <Text size="sm" c="var(--mantine-color-green-light-color)" role="status">
                Correction saved.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
