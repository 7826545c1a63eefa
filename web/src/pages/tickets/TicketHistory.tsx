import { Badge, Button, Group, Paper, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useDidUpdate } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { LISTS } from '../../api/typenames.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime, parseJson } from '../../components/format.ts';
import { PageLoading } from '../../components/Layout.tsx';
import { TICKET_STATUS_WORDS } from '../../components/StatusBadge.tsx';
import { TicketAtDocument, TicketHistoryDocument } from './ticket-documents.ts';
import { categoryWord, PRIORITY_WORDS } from './ticket-words.ts';

const ACTION_WORDS: Record<string, string> = {
  created: 'Created',
  status_changed: 'Status changed',
  triage_started: 'Triage started',
  triage_completed: 'Triaged',
  triage_failed: 'Triage failed',
  triage_corrected: 'Triage corrected',
};

const actionWord = (action: string): string =>
  ACTION_WORDS[action] ?? action.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

const empty = (value: unknown): boolean =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/** A recorded value as a short phrase: long text and whole objects (the triage blob) are cut, not dumped. */
function show(value: unknown): string {
  if (empty(value)) return '—';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** A recorded field by its name on the ticket page ("Description", not `body`). */
const FIELD_WORDS: Record<string, string> = {
  title: 'Title',
  body: 'Description',
  project: 'Project',
  status: 'Status',
  category: 'Category',
  priority: 'Priority',
  labels: 'Labels',
  team: 'Team',
};

const fieldWord = (field: string): string =>
  FIELD_WORDS[field] ?? field.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * A value in the words the rest of the page uses: the history read "category: BUG", "status: IN_PROGRESS"
 * beside a triage card saying "Bug" and a badge saying "In progress".
 */
function showField(field: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') {
    if (field === 'category') return categoryWord(value);
    if (field === 'status' && value in TICKET_STATUS_WORDS) {
      return TICKET_STATUS_WORDS[value as keyof typeof TICKET_STATUS_WORDS];
    }
    if (field === 'priority' && value in PRIORITY_WORDS)
      return PRIORITY_WORDS[value as keyof typeof PRIORITY_WORDS];
  }
  return show(value);
}

/**
 * The classifier's whole answer is recorded too, and a correction's record: their fields appear on their own
 * lines already, and who corrected it when is the entry itself (the record shows a raw user id).
 */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(['triage', 'details', 'correction']);

function ChangeList({ changes }: { changes: string }) {
  const parsed = parseJson(changes);
  if (!parsed || typeof parsed !== 'object') return null;
  const entries = Object.entries(parsed as Record<string, unknown>)
    .filter(([field]) => !HIDDEN_FIELDS.has(field))
    .map(([field, change]) => {
      const c =
        change && typeof change === 'object' && 'to' in change
          ? (change as { from?: unknown; to?: unknown })
          : null;
      return { field, from: c ? c.from : undefined, to: c ? c.to : change };
    })
    .filter((e) => !(empty(e.from) && empty(e.to)));
  return (
    <Stack gap={0} style={{ overflowWrap: 'anywhere' }}>
      {entries.map((e) => (
        <Text size="xs" key={e.field}>
          {fieldWord(e.field)}:{' '}
          {empty(e.from)
            ? showField(e.field, e.to)
            : `${showField(e.field, e.from)} → ${showField(e.field, e.to)}`}
        </Text>
      ))}
    </Stack>
  );
}

/** `<input type="datetime-local">` wants local time without zone: "2025-01-31T14:05". */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function AsOf({ id, at }: { id: string; at: string }) {
  const [{ data, error, fetching }] = useQuery({ query: TicketAtDocument, variables: { id, at } });
  if (fetching) return <PageLoading />;
  if (error) return <ErrorNotice error={error} action="Could not rebuild the ticket at that time" />;
  const t = data?.ticketAt;
  if (!t) return <Text size="sm">The ticket did not exist yet at that time.</Text>;
  return (
    <Paper bg="gray.0" p="sm" role="region" aria-label="Ticket as of the chosen time">
      <Text size="sm" fw={600}>
        As of {formatDateTime(at)}: version {t.version}
      </Text>
      <Text size="sm">
        Status {TICKET_STATUS_WORDS[t.status]} · category {categoryWord(t.triage.category)} · priority{' '}
        {t.triage.priority ?? '—'} · labels {t.triage.labels.join(', ') || '—'}
      </Text>
    </Paper>
  );
}

interface HistoryProps {
  id: string;
  /**
   * The ticket's version and triage status as the page last read them: the triage worker records its entries
   * without a mutation from this page (which is what refetches lists), so a change of either refetches the history.
   */
  version: number;
  triageStatus: string;
  ownerId: string;
  viewerId: string;
  /** Names anyone else as the viewer may know them (components/user-names.ts: e-mail, short id, "an operator"). */
  name: (userId: string) => string;
}

export function TicketHistory({ id, version, triageStatus, ownerId, viewerId, name }: HistoryProps) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: TicketHistoryDocument,
    variables: { id },
    context: LISTS.changes,
  });
  // The page showed the triage done (version 2) while the history still read "Created" until a reload (audit).
  useDidUpdate(() => refetch({ requestPolicy: 'network-only' }), [version, triageStatus]);
  const [input, setInput] = useState('');
  const [asOf, setAsOf] = useState<string | null>(null);
  const history = data?.ticketHistory ?? [];
  const who = (actorId: string | null) =>
    actorId === null
      ? 'the system'
      : actorId === viewerId
        ? 'you'
        : actorId === ownerId
          ? 'the owner'
          : name(actorId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ms = Date.parse(input);
    if (!Number.isNaN(ms)) setAsOf(new Date(ms).toISOString());
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="history-title">
      <Title order={2} size="h4" id="history-title" mb="sm">
        History
      </Title>
      <ErrorNotice error={error} action="Could not load the history" />
      {fetching && history.length === 0 && <PageLoading />}
      <Timeline bulletSize={14} lineWidth={2} active={history.length}>
        {history.map((change) => (
          <Timeline.Item
            key={`${change.at}-${change.action}`}
            title={
              <Group gap="xs">
                <Text size="sm" fw={600}>
                  {actionWord(change.action)}
                </Text>
                <Badge size="xs" variant="outline" color="gray">
                  {who(change.actorId ?? null)}
                </Badge>
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              {formatDateTime(change.at)}{' '}
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => {
                  setInput(toLocalInput(change.at));
                  setAsOf(change.at);
                }}
                aria-label={`Show as of then: ${formatDateTime(change.at)}`}
              >
                Show as of then
              </Button>
            </Text>
            <ChangeList changes={change.changes} />
          </Timeline.Item>
        ))}
      </Timeline>
      <form onSubmit={submit}>
        <Group align="flex-end" mt="md">
          <TextInput
            type="datetime-local"
            step={1}
            label="Show the ticket as it was at"
            value={input}
            onChange={(e) => setInput(e.currentTarget.value)}
          />
          <Button type="submit" variant="default" disabled={!input}>
            Show
          </Button>
        </Group>
      </form>
      {asOf && (
        <div style={{ marginTop: 12 }}>
          <AsOf id={id} at={asOf} />
        </div>
      )}
    </Paper>
  );
}
