import { Button, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatLogTime, formatNumber, type LogTimeZone } from '../../components/format.ts';
import { ShareBar } from '../../components/ShareBar.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { errorCount, errorLevel, errorWhy, warningCount } from './error-lines.ts';
import type { TemplateBrief, TemplateDetail } from './summary-model.ts';
import { type LinesSource, TemplateLinesPanel } from './TemplateLines.tsx';
import { TemplateText } from './TemplateText.tsx';

/** Level words in the light-badge tones (theme.ts): readable at small size, never cut like a narrow badge. */
const LEVEL_COLORS: Record<string, string> = {
  FATAL: 'var(--mantine-color-red-light-color)',
  ERROR: 'var(--mantine-color-red-light-color)',
  WARN: 'var(--mantine-color-orange-light-color)',
  INFO: 'var(--mantine-color-blue-light-color)',
  '5xx': 'var(--mantine-color-red-light-color)',
};

interface Props {
  caption: string;
  templates: TemplateBrief[];
  details: Map<string, TemplateDetail>;
  /** Values behind wildcards and sample lines are raw log text: not offered to HR. */
  showValues: boolean;
  /** Show the share-of-lines bar (top templates) or first-seen time (new templates). */
  column?: 'share' | 'firstSeen';
  /**
   * The error templates, given the log's error lines: each row says how many of its lines are errors ("20
   * errors of 1,200 lines"), their share of the log's errors, their level (ERROR, FATAL, or 5xx when only the
   * HTTP status made them errors) and why.
   */
  errorTotal?: number;
  /** The warning templates: a row some of whose lines warned says how many ("3 warnings of 80 lines"), at WARN. */
  warnings?: boolean;
  /** Where each row's lines are found ("Show lines"); absent for HR, who may not read the log's text. */
  lines?: LinesSource;
  /** Whether the log's times wrote their zone (first-seen times of a log that wrote none are not called UTC). */
  zone?: LogTimeZone | undefined;
}

function Values({ detail, showSamples }: { detail: TemplateDetail; showSamples: boolean }) {
  const withValues = detail.parameters.filter((p) => p.values.length > 0);
  return (
    <Stack gap={6} py={4}>
      {withValues.length === 0 && (
        <Text size="sm" c="dimmed">
          No wildcard values recorded.
        </Text>
      )}
      {withValues.map((p, i) => (
        <Text size="sm" key={p.position}>
          <Text span fw={600}>
            Wildcard {i + 1} ({p.type === '*' ? 'mixed' : p.type}):
          </Text>{' '}
          {p.values
            .slice(0, 8)
            .map((v) => `${v.value} (${p.estimated ? '≈' : ''}${formatNumber(v.count)}×)`)
            .join(', ')}
          {p.more || p.values.length > 8 ? ', …' : ''}
        </Text>
      ))}
      {showSamples && detail.samples[0] && (
        <Text size="sm">
          <Text span fw={600}>
            Sample, line {formatNumber(detail.samples[0].line)}:
          </Text>{' '}
          <span className="mono">{detail.samples[0].text}</span>
        </Text>
      )}
    </Stack>
  );
}

/** Templates with counts, share bars, levels and (on demand) the values behind each wildcard. */
export function TemplateTable({
  caption,
  templates,
  details,
  showValues,
  column = 'share',
  errorTotal,
  warnings = false,
  lines,
  zone,
}: Props) {
  const errors = errorTotal !== undefined;
  const [open, setOpen] = useState<string | null>(null);
  const [openLines, setOpenLines] = useState<string | null>(null);
  if (templates.length === 0) return null;
  // A summary made before 7 December has no per-template error counts: its rows show all their lines.
  const errorCounts = errors && templates.some((t) => t.errors);
  // Likewise warnings (summaries since 7 December, second stop): a row's count is then its warning lines.
  const warningCounts = warnings && templates.some((t) => t.warnings !== undefined);
  return (
    <TableScroll label={`${caption} templates`} rowPanels>
      <Table verticalSpacing={6} miw={560} captionSide="top">
        <Table.Caption style={{ textAlign: 'left' }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Template</Table.Th>
            <Table.Th ta="right">{errorCounts ? 'Errors' : warningCounts ? 'Warnings' : 'Lines'}</Table.Th>
            <Table.Th>
              {errorCounts ? 'Share of errors' : column === 'share' ? 'Share' : 'First seen'}
            </Table.Th>
            <Table.Th>Level</Table.Th>
            {showValues && <Table.Th>Values</Table.Th>}
            {lines && <Table.Th>Lines</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {templates.map((t) => {
            const detail = details.get(t.id);
            const expanded = open === t.id;
            const linesShown = openLines === t.id;
            const count = errorCounts ? errorCount(t) : warnings ? warningCount(t) : null;
            const level = errors ? errorLevel(t) : warnings && t.warnings !== undefined ? 'WARN' : t.level;
            const why = errors ? errorWhy(t) : '';
            return [
              <Table.Tr key={t.id}>
                <Table.Td>
                  <TemplateText text={t.template} />
                  {why && (
                    <Text size="xs" c="dimmed" mt={2}>
                      Errors by {why}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  {count ? (
                    <>
                      <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                        {count.part}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {count.of}
                      </Text>
                    </>
                  ) : (
                    formatNumber(t.count)
                  )}
                </Table.Td>
                <Table.Td>
                  {errorCounts ? (
                    // Of the log's errors, not of its lines: beside "20 errors", a template's 99% share of the
                    // log read as an error rate.
                    <ShareBar
                      value={(t.errors?.lines ?? 0) / Math.max(1, errorTotal ?? 0, t.errors?.lines ?? 0)}
                      label="Share of error lines"
                      color="red"
                      width={90}
                    />
                  ) : column === 'share' ? (
                    <ShareBar value={t.share} label="Share of lines" width={90} />
                  ) : (
                    <Text size="xs">
                      {t.firstSeen ? (
                        <LogTimeText iso={t.firstSeen} zone={zone} />
                      ) : (
                        `line ${formatNumber(t.firstLine)}`
                      )}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" fw={700} c={LEVEL_COLORS[level] ?? 'dimmed'}>
                    {level}
                  </Text>
                </Table.Td>
                {showValues && (
                  <Table.Td>
                    {detail && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-expanded={expanded}
                        aria-label={`${expanded ? 'Hide' : 'Show'} values of template ${t.id}`}
                        onClick={() => setOpen(expanded ? null : t.id)}
                      >
                        {expanded ? 'Hide' : 'Show'}
                      </Button>
                    )}
                  </Table.Td>
                )}
                {lines && (
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-expanded={linesShown}
                      aria-label={`${linesShown ? 'Hide' : 'Show'} lines of template ${t.id}`}
                      onClick={() => setOpenLines(linesShown ? null : t.id)}
                    >
                      {linesShown ? 'Hide lines' : 'Show lines'}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>,
              expanded && detail ? (
                <Table.Tr key={`${t.id}-values`}>
                  <Table.Td colSpan={6} bg="gray.0">
                    <div className="row-panel">
                      <Values detail={detail} showSamples={showValues} />
                    </div>
                  </Table.Td>
                </Table.Tr>
              ) : null,
              linesShown && lines ? (
                <Table.Tr key={`${t.id}-lines`}>
                  <Table.Td colSpan={6} bg="gray.0">
                    <div className="row-panel">
                      <TemplateLinesPanel source={lines} template={t} errorRow={errors} />
                    </div>
                  </Table.Td>
                </Table.Tr>
              ) : null,
            ];
          })}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}

/** A log time in a narrow cell, broken only between the date and the time (it showed the raw ISO string). */
function LogTimeText({ iso, zone }: { iso: string; zone: LogTimeZone | undefined }) {
  const text = formatLogTime(iso, zone);
  const cut = text.lastIndexOf(', ');
  if (cut < 0) return <>{text}</>;
  return (
    <>
      <span className="nowrap">{text.slice(0, cut + 1)}</span>{' '}
      <span className="nowrap">{text.slice(cut + 2)}</span>
    </>
  );
}
