import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  TextInput,
} from '@mantine/core';
import type { ChangelogEntryInput } from '../../gql/graphql.ts';

export const ENTRY_TYPES = [
  'feat',
  'fix',
  'perf',
  'revert',
  'docs',
  'refactor',
  'build',
  'ci',
  'test',
  'chore',
];

export interface EntryRow {
  key: string;
  type: string;
  scope: string;
  description: string;
  breaking: boolean;
  pr: number | null;
}

export const newRow = (): EntryRow => ({
  key: crypto.randomUUID(),
  type: 'feat',
  scope: '',
  description: '',
  breaking: false,
  pr: null,
});

export function toEntries(rows: EntryRow[]): ChangelogEntryInput[] {
  return rows
    .filter((r) => r.description.trim())
    .map((r) => ({
      type: r.type,
      description: r.description.trim(),
      ...(r.scope.trim() ? { scope: r.scope.trim() } : {}),
      ...(r.breaking ? { breaking: true } : {}),
      ...(r.pr ? { pr: r.pr } : {}),
    }));
}

/** Structured entries, one row each; every control carries its row number in its label. */
export function EntriesEditor({
  rows,
  onChange,
}: {
  rows: EntryRow[];
  onChange: (rows: EntryRow[]) => void;
}) {
  const update = (key: string, patch: Partial<EntryRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <Stack gap="xs">
      {rows.map((row, index) => (
        <Group key={row.key} align="flex-end" gap="xs" wrap="wrap">
          <NativeSelect
            label={`Type ${index + 1}`}
            value={row.type}
            data={ENTRY_TYPES}
            onChange={(e) => update(row.key, { type: e.currentTarget.value })}
            w={100}
          />
          <TextInput
            label={`Scope ${index + 1}`}
            value={row.scope}
            onChange={(e) => update(row.key, { scope: e.currentTarget.value })}
            w={110}
          />
          <TextInput
            label={`Description ${index + 1}`}
            value={row.description}
            onChange={(e) => update(row.key, { description: e.currentTarget.value })}
            style={{ flex: '1 1 220px' }}
          />
          <NumberInput
            label={`PR ${index + 1}`}
            value={row.pr ?? ''}
            min={1}
            allowDecimal={false}
            onChange={(value) => update(row.key, { pr: typeof value === 'number' ? value : null })}
            w={90}
          />
          <Checkbox
            label="Breaking"
            aria-label={`Breaking ${index + 1}`}
            checked={row.breaking}
            onChange={(e) => update(row.key, { breaking: e.currentTarget.checked })}
            mb={8}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove entry ${index + 1}`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
            mb={4}
            disabled={rows.length === 1}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="light" size="xs" onClick={() => onChange([...rows, newRow()])}>
          Add an entry
        </Button>
      </Group>
    </Stack>
  );
}
