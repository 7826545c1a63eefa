import { Button, Checkbox, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatNumber } from '../../components/format.ts';
import { LogEntryRawDocument } from './raw-text-query.ts';
import type { TemplateBrief } from './summary-model.ts';
import {
  type TemplateLines as Found,
  findTemplateLinesPausing,
  indexLog,
  type LineTemplate,
  type LogIndex,
  withTemplate,
} from './template-lines.ts';

/** Lines shown at first, and added by "Show more". */
export const LINES_PAGE = 50;

/** What the summary's rows need to show a template's lines: the entry, and every template's text. */
export interface LinesSource {
  entryId: string;
  templates: LineTemplate[];
  /** The log was read as a JSON document's records: a line holding several records is a line per record. */
  jsonDocument?: boolean;
}

/**
 * Characters of a line shown: a record or a line of text past it (a JSON document that broke on its one
 * line of megabytes) is cut with a note; "Copy these lines" copies it whole.
 */
const SHOWN_LINE_CHARS = 2_000;

const clipped = (text: string): string =>
  text.length <= SHOWN_LINE_CHARS
    ? text
    : `${text.slice(0, SHOWN_LINE_CHARS)}… (${formatNumber(text.length - SHOWN_LINE_CHARS)} more characters)`;

/**
 * The last log made ready for matching: opening a second row of the same log does not split its megabytes
 * and compile its templates again. A log's stored text never changes; its templates do when it is summarised
 * again, hence the key.
 */
let cached: { key: string; raw: string; index: LogIndex } | null = null;

function logIndex(source: LinesSource, raw: string): LogIndex {
  const key = `${source.entryId}:${source.jsonDocument === true}:${source.templates.map((t) => t.id).join(',')}`;
  if (cached?.key !== key || cached.raw !== raw)
    cached = {
      key,
      raw,
      index: indexLog(raw, source.templates, { jsonDocument: source.jsonDocument === true }),
    };
  return cached.index;
}

/** A macrotask between steps, so that clicks and paints go through while a large log is searched. */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const plural = (n: number, noun: string) => `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;

interface Props {
  source: LinesSource;
  template: TemplateBrief;
  /** An error template's row: its error lines come first, and can be shown alone. */
  errorRow: boolean;
}

/**
 * A template's lines from the stored text: how many there are, the first 50 (errors first on an error
 * template's row), each as stored (redacted), with the lines of its event under it.
 */
export function TemplateLinesPanel({ source, template, errorRow }: Props) {
  const [{ data, error, fetching }] = useQuery({
    query: LogEntryRawDocument,
    variables: { id: source.entryId },
  });
  const raw = data?.logEntry?.raw;
  const [limit, setLimit] = useState(LINES_PAGE);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [found, setFound] = useState<Found | null>(null);
  const query = useMemo(
    () => ({ id: template.id, limit, errorsFirst: errorRow, errorsOnly }),
    [template.id, limit, errorRow, errorsOnly],
  );
  useEffect(() => {
    if (!raw) return;
    let current = true;
    const index = withTemplate(logIndex(source, raw), { id: template.id, template: template.template });
    findTemplateLinesPausing(index, query, yieldToPage).then((result) => {
      if (current) setFound(result);
    });
    return () => {
      current = false;
    };
  }, [raw, source, template, query]);

  if (error) return <ErrorNotice error={error} action="Could not load the log's lines" />;
  if (!fetching && data && !raw) {
    return (
      <Text size="sm" c="dimmed">
        No raw text was stored for this log (a file uploaded as it is), so its lines cannot be shown.
      </Text>
    );
  }
  if (!found) {
    return (
      <Text size="sm" c="dimmed" role="status">
        Finding the lines of this template…
      </Text>
    );
  }
  return (
    <FoundLines
      found={found}
      template={template}
      errorRow={errorRow}
      errorsOnly={errorsOnly}
      more={() => setLimit(limit + LINES_PAGE)}
      setErrorsOnly={setErrorsOnly}
    />
  );
}

interface FoundProps {
  found: Found;
  template: TemplateBrief;
  errorRow: boolean;
  errorsOnly: boolean;
  more: () => void;
  setErrorsOnly: (on: boolean) => void;
}

function FoundLines({ found, template, errorRow, errorsOnly, more, setErrorsOnly }: FoundProps) {
  const { total, errors, shown } = found;
  const of = errorsOnly ? errors : total;
  // Only where some of the template's lines are errors and others not is there anything to tell apart.
  const mixed = errorRow && errors > 0 && errors < total;
  const copied = shown.flatMap((l) => [l.text, ...l.more]).join('\n');
  return (
    <Stack gap="xs" data-testid="template-lines">
      <Text size="sm" role="status">
        {errorsOnly ? `${plural(errors, 'error')} of ${plural(total, 'line')}` : plural(total, 'line')}
        {shown.length < of ? `; showing the first ${formatNumber(shown.length)}` : ''}
        {mixed && !errorsOnly ? `; the ${plural(errors, 'error')} first` : ''}
      </Text>
      {total !== template.count && (
        <Text size="xs" c="dimmed">
          The summary counts {formatNumber(template.count)}: these lines are found by the template's text in
          the stored log, and the miner grouped a few lines otherwise.
        </Text>
      )}
      <Group gap="sm">
        {mixed && (
          <Checkbox
            size="xs"
            label="Errors only"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly(e.currentTarget.checked)}
          />
        )}
        {shown.length > 0 && <CopyTextButton text={copied} label="Copy these lines" />}
      </Group>
      <ScrollArea.Autosize mah={420} type="auto">
        <Stack gap={2}>
          {shown.map((l) => (
            <div key={l.line} className={l.error ? 'template-line template-line-error' : 'template-line'}>
              <Text span size="xs" c="dimmed" className="mono">
                {l.line}
                {l.error ? ' error' : ''}
              </Text>{' '}
              <span className="mono">{clipped(l.text)}</span>
              {l.more.length > 0 && (
                <pre className="mono" style={{ margin: 0 }}>
                  {l.more.map(clipped).join('\n')}
                </pre>
              )}
            </div>
          ))}
        </Stack>
      </ScrollArea.Autosize>
      {shown.length < of && (
        <Group>
          <Button size="compact-xs" variant="default" onClick={more}>
            Show {formatNumber(Math.min(LINES_PAGE, of - shown.length))} more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
