import { Button, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { formatNumber } from '../../components/format.ts';
import { ShareBar } from '../../components/ShareBar.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { TemplateBrief, TemplateDetail } from './summary-model.ts';
import { TemplateText } from './TemplateText.tsx';

/** Level words in the light-badge tones (theme.ts): readable at small size, never cut like a narrow badge. */
const LEVEL_COLORS: Record<string, string> = {
  FATAL: 'var(--mantine-color-red-light-color)',
  ERROR: 'var(--mantine-color-red-light-color)',
  WARN: 'var(--mantine-color-orange-light-color)',
  INFO: 'var(--mantine-color-blue-light-color)',
};

interface Props {
  caption: string;
  templates: TemplateBrief[];
  details: Map<string, TemplateDetail>;
  /** Values behind wildcards and sample lines are raw log text: not offered to HR. */
  showValues: boolean;
  /** Show the share-of-lines bar (top templates) or first-seen time (new templates). */
  column?: 'share' | 'firstSeen';
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
export function TemplateTable({ caption, templates, details, showValues, column = 'share' }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  if (templates.length === 0) return null;
  return (
    <TableScroll label={`${caption} templates`}>
      <Table verticalSpacing={6} miw={560} captionSide="top">
        <Table.Caption style={{ textAlign: 'left' }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Template</Table.Th>
            <Table.Th ta="right">Lines</Table.Th>
            <Table.Th>{column === 'share' ? 'Share' : 'First seen'}</Table.Th>
            <Table.Th>Level</Table.Th>
            {showValues && <Table.Th>Values</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {templates.map((t) => {
            const detail = details.get(t.id);
            const expanded = open === t.id;
            return [
              <Table.Tr key={t.id}>
                <Table.Td>
                  <TemplateText text={t.template} />
                </Table.Td>
                <Table.Td ta="right">{formatNumber(t.count)}</Table.Td>
                <Table.Td>
                  {column === 'share' ? (
                    <ShareBar value={t.share} label="Share of lines" width={90} />
                  ) : (
                    <Text size="xs">{t.firstSeen ?? `line ${formatNumber(t.firstLine)}`}</Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" fw={700} c={LEVEL_COLORS[t.level] ?? 'dimmed'}>
                    {t.level}
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
              </Table.Tr>,
              expanded && detail ? (
                <Table.Tr key={`${t.id}-values`}>
                  <Table.Td colSpan={5} bg="gray.0">
                    <Values detail={detail} showSamples={showValues} />
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
