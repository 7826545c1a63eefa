import { Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, type ReactNode, Suspense } from 'react';
import { redactionKindName } from '../../../../lambdas/core/redaction/kind-names.ts';
import { formatDuration, formatLogTime, formatNumber, logTimesInUtc } from '../../components/format.ts';
import { PageLoading } from '../../components/Layout.tsx';
import { ShareBar } from '../../components/ShareBar.tsx';
import { ChangesView, DurationsView, HttpView, IncidentList } from './SummaryExtras.tsx';
import type { SummaryModel, TemplateDetail } from './summary-model.ts';
import type { LinesSource } from './TemplateLines.tsx';
import { TemplateTable } from './TemplateTable.tsx';
import { TemplateText } from './TemplateText.tsx';

// The chart library is the largest dependency: it loads with the first summary, not with the console.
const TimelineChart = lazy(() => import('./TimelineChart.tsx'));

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} size="lg">
        {value}
      </Text>
    </div>
  );
}

const LEVEL_ORDER = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'UNKNOWN'];
const LEVEL_BAR_COLORS: Record<string, string> = {
  FATAL: 'red.9',
  ERROR: 'red',
  WARN: 'orange',
  INFO: 'blue',
  DEBUG: 'gray.6',
  TRACE: 'gray.5',
  UNKNOWN: 'gray.4',
};

function LevelMix({ summary }: { summary: SummaryModel }) {
  const total = Math.max(1, summary.lines.analysed);
  const levels = Object.entries(summary.levels.counts).sort(
    (a, b) => LEVEL_ORDER.indexOf(a[0]) - LEVEL_ORDER.indexOf(b[0]),
  );
  return (
    <Stack gap={4}>
      {levels.map(([level, count]) => (
        <Group key={level} gap="sm" wrap="nowrap">
          <Text size="sm" w={72}>
            {level}
          </Text>
          <ShareBar
            value={count / total}
            label={`${level} lines`}
            color={LEVEL_BAR_COLORS[level] ?? 'gray'}
          />
          <Text size="sm" c="dimmed">
            {formatNumber(count)}
          </Text>
        </Group>
      ))}
      {summary.levels.source === 'inferred' && (
        <Text size="xs" c="dimmed">
          The log has no level field: levels are inferred from the wording.
        </Text>
      )}
    </Stack>
  );
}

/** A name column and count columns (right-aligned, grouped digits). */
function CountTable({ columns, rows }: { columns: string[]; rows: [string, ...number[]][] }) {
  return (
    <Table>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column, i) => (
            <Table.Th key={column} ta={i === 0 ? undefined : 'right'}>
              {column}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(([name, ...counts]) => (
          <Table.Tr key={name}>
            <Table.Td className="mono">{name}</Table.Td>
            {counts.map((count, i) => (
              <Table.Td key={columns[i + 1]} ta="right">
                {formatNumber(count)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface Props {
  summary: SummaryModel;
  details: Map<string, TemplateDetail>;
  /** False for HR: no sample lines, no wildcard values, no first-error text. */
  showRaw: boolean;
  /** The earlier log of the same source this one was compared with (LogEntry.baselineEntryId). */
  baselineEntryId?: string | null;
  /** Where a template's lines are found ("Show lines"); only given to roles that may read the log's text. */
  lines?: LinesSource;
}

/** Said once, after the log's span, when its times wrote no zone: they are the writer's clock, not UTC. */
const ZONE_NOTE = {
  none: ' (times as written, no time zone in the log)',
  mixed: ' (times as written, some lines give no time zone)',
} as const;

export function SummaryView({ summary, details, showRaw, baselineEntryId, lines }: Props) {
  const errors = summary.errors;
  const zone = summary.timeSpan?.zone;
  return (
    <Stack>
      <Paper withBorder p="md" bg="blue.0" component="section" aria-label="Headline">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Headline{summary.source ? ` · ${summary.source}` : ''}
        </Text>
        <Text size="lg" fw={600} data-testid="summary-headline">
          {summary.headline}
        </Text>
      </Paper>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Lines" value={formatNumber(summary.lines.analysed)} />
        <Stat
          label="Time span"
          value={summary.timeSpan ? formatDuration(summary.timeSpan.durationSeconds) : 'no times'}
        />
        <Stat label="Errors" value={formatNumber(errors)} />
        <Stat label="Templates" value={formatNumber(summary.templateCount)} />
      </SimpleGrid>
      <Section title="Level mix over time">
        <Stack>
          <LevelMix summary={summary} />
          {summary.timeline && summary.timeline.windows.length > 1 && (
            <Suspense fallback={<PageLoading />}>
              <TimelineChart
                windows={summary.timeline.windows}
                windowSeconds={summary.timeline.windowSeconds}
                incidents={summary.incidents}
                zone={zone}
              />
            </Suspense>
          )}
          {summary.timeSpan && (
            <Text size="sm" c="dimmed">
              From {formatLogTime(summary.timeSpan.start, zone)} to{' '}
              {formatLogTime(summary.timeSpan.end, zone)}
              {logTimesInUtc(zone) ? '' : ZONE_NOTE[zone === 'mixed' ? 'mixed' : 'none']}
            </Text>
          )}
        </Stack>
      </Section>
      {summary.incidents.length > 0 && (
        <Section title="Incidents">
          <IncidentList incidents={summary.incidents} zone={zone} />
        </Section>
      )}
      {summary.changes && (
        <Section title="Since the previous log">
          <ChangesView changes={summary.changes} baselineEntryId={baselineEntryId} />
        </Section>
      )}
      {summary.firstError && (
        <Section title="First error">
          <Text size="sm">
            Line {formatNumber(summary.firstError.line)}
            {summary.firstError.time ? `, ${formatLogTime(summary.firstError.time, zone)}` : ''}
            {summary.firstError.inferred ? ' (recognised from its wording)' : ''}
          </Text>
          <TemplateText text={summary.firstError.template} />
          {showRaw && summary.firstError.text && (
            <Paper bg="gray.0" p="xs" mt="xs">
              <Text size="xs" c="dimmed">
                Sample
              </Text>
              <Text className="mono">{summary.firstError.text}</Text>
            </Paper>
          )}
        </Section>
      )}
      {summary.durations.length > 0 && (
        <Section title="Durations">
          <DurationsView durations={summary.durations} />
        </Section>
      )}
      <Section title="Templates">
        <Stack>
          <TemplateTable
            caption="Most frequent"
            templates={summary.topTemplates}
            details={details}
            showValues={showRaw}
            lines={showRaw ? lines : undefined}
          />
          <TemplateTable
            caption="Errors"
            templates={summary.errorTemplates}
            details={details}
            showValues={showRaw}
            lines={showRaw ? lines : undefined}
            errorTotal={summary.errors}
          />
          <TemplateTable
            caption="Warnings"
            templates={summary.warningTemplates}
            details={details}
            showValues={showRaw}
            lines={showRaw ? lines : undefined}
            warnings
          />
          <TemplateTable
            caption="First seen near the end (last fifth of the log)"
            templates={summary.newTemplates}
            details={details}
            showValues={showRaw}
            lines={showRaw ? lines : undefined}
            column="firstSeen"
            zone={zone}
          />
          <TemplateTable
            caption="Rare"
            templates={summary.rareTemplates}
            details={details}
            showValues={showRaw}
            lines={showRaw ? lines : undefined}
          />
        </Stack>
      </Section>
      {(summary.topComponents.length > 0 || summary.topHosts.length > 0) && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {summary.topComponents.length > 0 && (
            <Section title="Components">
              <CountTable
                columns={['Component', 'Lines', 'Errors']}
                rows={summary.topComponents.map((c) => [c.name, c.lines, c.errors])}
              />
            </Section>
          )}
          {summary.topHosts.length > 0 && (
            <Section title="Hosts">
              <CountTable columns={['Host', 'Lines']} rows={summary.topHosts.map((h) => [h.name, h.lines])} />
            </Section>
          )}
        </SimpleGrid>
      )}
      {summary.http && (
        <Section title="HTTP">
          <HttpView http={summary.http} />
        </Section>
      )}
      <Text size="sm" c="dimmed">
        Redactions: {formatNumber(summary.redactions.total)}
        {Object.entries(summary.redactions.byKind)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => ` · ${redactionKindName(kind)} ${formatNumber(n)}`)
          .join('')}
      </Text>
    </Stack>
  );
}
