import { Button, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type DragEvent, type FormEvent, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import type { ApiError } from '../../api/errors.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatBytes } from '../../components/format.ts';
import { graphql } from '../../gql/index.ts';

/** The API's limit for summarizeLog (lambdas/core/logs/summarize-log.ts MAX_RAW_LOG_BYTES), said before upload. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

const SummarizeLogDocument = graphql(`
  mutation SummarizeLog($raw: String!, $format: String, $idempotencyKey: String) {
    summarizeLog(raw: $raw, format: $format, idempotencyKey: $idempotencyKey) {
      id
      status
    }
  }
`);

export function LogUploadForm() {
  const navigate = useNavigate();
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [format, setFormat] = useState('');
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  // One key per submitted text: a retry after a network failure cannot create a second entry.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [result, summarize] = useMutation(SummarizeLogDocument);
  const size = new Blob([text]).size;
  const tooLarge = size > MAX_LOG_BYTES;

  const takeText = (value: string, name: string | null) => {
    setText(value);
    setFileName(name);
    setProblem(null);
    setIdempotencyKey(crypto.randomUUID());
  };

  const readFile = async (file: File) => {
    if (file.size > MAX_LOG_BYTES) {
      setProblem({
        errorType: 'ValidationError',
        message: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_LOG_BYTES)}. Split the file or keep its most recent part.`,
      });
      return;
    }
    takeText(await file.text(), file.name);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void readFile(file);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim() || tooLarge) return;
    const answer = await summarize({ raw: text, format: format.trim() || null, idempotencyKey });
    const id = answer.data?.summarizeLog?.id;
    if (id) navigate(`/logs/${id}`);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${inputId}-title`}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4" id={`${inputId}-title`}>
            Summarize a log
          </Title>
          <Text size="sm" c="dimmed">
            Up to {formatBytes(MAX_LOG_BYTES)} of text. E-mails, tokens, keys and card numbers are redacted
            before anything is stored.
          </Text>
          <label
            className="drop-zone"
            data-active={dragging}
            htmlFor={`${inputId}-file`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <Text fw={500}>Drop a log file here, or choose one</Text>
            <Text size="sm" c="dimmed">
              {fileName ? `Loaded ${fileName} (${formatBytes(size)})` : '.log, .txt or any text file'}
            </Text>
            <input
              ref={fileInput}
              id={`${inputId}-file`}
              type="file"
              aria-label="Log file"
              style={{ position: 'absolute', opacity: 0, width: 1, height: 1 }}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void readFile(file);
              }}
            />
          </label>
          <Textarea
            label="Or paste log lines"
            autosize
            minRows={4}
            maxRows={12}
            value={text}
            onChange={(e) => takeText(e.currentTarget.value, null)}
            classNames={{ input: 'mono' }}
            error={
              tooLarge ? `${formatBytes(size)}: over the ${formatBytes(MAX_LOG_BYTES)} limit` : undefined
            }
          />
          <TextInput
            label="Header format (optional)"
            description="Only when the header is not recognised, in Loghub style, e.g. <Date> <Time> <Level> <Component>: <Content>"
            value={format}
            onChange={(e) => setFormat(e.currentTarget.value)}
          />
          <ErrorNotice error={problem ?? result.error} action="Could not summarize the log" />
          <Group>
            <Button type="submit" loading={result.fetching} disabled={!text.trim() || tooLarge}>
              Summarize
            </Button>
            {text && (
              <Button variant="subtle" onClick={() => takeText('', null)}>
                Clear
              </Button>
            )}
            <Text size="sm" c="dimmed" aria-live="polite">
              {text ? `${formatBytes(size)} ready` : ''}
            </Text>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
