import { Button, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type DragEvent, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { SEND_AS_TEXT_MAX_BYTES } from '../../../../lambdas/core/logs/text-checks.ts';
import type { ApiError } from '../../api/errors.ts';
import { clearDraft, readDraft, saveDraft } from '../../components/drafts.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatBytes } from '../../components/format.ts';
import { graphql } from '../../gql/index.ts';

/** The API's limit for summarizeLog (lambdas/core/logs/summarize-log.ts MAX_RAW_LOG_BYTES), said before upload. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

const SummarizeLogDocument = graphql(`
  mutation SummarizeLog($raw: String!, $format: String, $source: String, $idempotencyKey: String) {
    summarizeLog(raw: $raw, format: $format, source: $source, idempotencyKey: $idempotencyKey) {
      id
      status
    }
  }
`);

/** createLogUpload's limit (lambdas/core/jobs/kinds/summarize-log/upload.ts MAX_UPLOAD_BYTES). */
export const MAX_UPLOAD_BYTES = 1024 ** 3;

const CreateLogUploadDocument = graphql(`
  mutation CreateLogUpload(
    $filename: String!
    $size: Int!
    $format: String
    $source: String
    $idempotencyKey: String
  ) {
    createLogUpload(
      filename: $filename
      size: $size
      format: $format
      source: $source
      idempotencyKey: $idempotencyKey
    ) {
      entry {
        id
        status
      }
      uploadUrl
      uploadHeaders
    }
  }
`);

/**
 * A plain file larger than this goes through createLogUpload as it is, although summarizeLog would take up to
 * 5 MB: read into the text field, a 4 MB file of short lines froze the page for 25 s, and the JSON request
 * escapes every newline and tab into two bytes, which took it over the API's 6 MB request limit. The CLI's
 * `logs upload` sends files by the same rule.
 */
export const UPLOAD_FILES_OVER_BYTES = SEND_AS_TEXT_MAX_BYTES;

/** The draft's name in sessionStorage (components/drafts.ts). */
export const LOG_DRAFT = 'new-log';

/**
 * Pasted text up to this size is kept over a reload, as a ticket draft is. sessionStorage holds about 5 MB per
 * origin (in UTF-16, so a 1 MB text takes about 2 MB), shared with the other drafts; above this the form says
 * that a reload will lose the text.
 */
export const LOG_DRAFT_MAX_BYTES = 1024 * 1024;

/** The API's limit on a whole request (local/runtime.ts maxBodyBytes; AppSync's is similar). */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Room left in a request for the query and the other variables. */
const REQUEST_ENVELOPE_BYTES = 16 * 1024;

/** Files that go through createLogUpload: larger than a text field should hold, or compressed. */
const needsUpload = (file: File): boolean => file.size > UPLOAD_FILES_OVER_BYTES || /\.gz$/i.test(file.name);

/** PUTs the file where createLogUpload said (relative locally, a presigned S3 URL on AWS). */
async function putFile(url: string, headers: string, file: File): Promise<ApiError | null> {
  try {
    const response = await fetch(new URL(url, window.location.href), {
      method: 'PUT',
      body: file,
      headers: JSON.parse(headers) as Record<string, string>,
    });
    if (response.ok) return null;
    const body = await response.text();
    const message = /"message":"([^"]*)"/.exec(body)?.[1] ?? /<Message>([^<]*)</.exec(body)?.[1];
    return {
      errorType: 'ValidationError',
      message: message ?? `The upload answered HTTP ${response.status}`,
    };
  } catch {
    return { errorType: 'NetworkError', message: 'The upload was interrupted; try again' };
  }
}

/** `userId`: whose draft this is (components/drafts.ts); without one, nothing is kept over a reload. */
export function LogUploadForm({ userId }: { userId?: string }) {
  const navigate = useNavigate();
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [draft] = useState(() => (userId ? readDraft(LOG_DRAFT, userId) : undefined));
  const [text, setText] = useState(draft?.text ?? '');
  const [fileName, setFileName] = useState<string | null>(draft?.fileName || null);
  const [format, setFormat] = useState(draft?.format ?? '');
  // The service or file the log came from: it names the entry in the list, and a later log of the same
  // source is compared with this one. A chosen file's name fills it unless the user typed one.
  const [source, setSource] = useState(draft?.source ?? '');
  const [sourceTyped, setSourceTyped] = useState(draft?.sourceTyped === 'yes');
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  // One key per request (text or file, source, format): a retry after a network failure cannot create a second
  // entry, and an edited request is not refused as a reuse of the key (the API compares the input).
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const edited = () => setIdempotencyKey(crypto.randomUUID());
  const [result, summarize] = useMutation(SummarizeLogDocument);
  // A large or gzip file is uploaded as it is (createLogUpload), never read into the page.
  const [bigFile, setBigFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [created, createUpload] = useMutation(CreateLogUploadDocument);
  const size = new Blob([text]).size;
  // Escaped for the JSON request, pasted text can pass the request limit while under 5 MB itself.
  const requestTooLarge =
    size > (MAX_REQUEST_BYTES - REQUEST_ENVELOPE_BYTES) / 2 &&
    new Blob([JSON.stringify(text)]).size > MAX_REQUEST_BYTES - REQUEST_ENVELOPE_BYTES;
  const tooLarge = size > MAX_LOG_BYTES || requestTooLarge;
  const draftKept = useLogDraft(userId, { text, size, fileName, source, sourceTyped, format });

  const takeText = (value: string, name: string | null) => {
    setBigFile(null);
    setText(value);
    setFileName(name);
    if (!sourceTyped) setSource(name ?? '');
    setProblem(null);
    edited();
  };

  const readFile = async (file: File) => {
    if (file.size > MAX_UPLOAD_BYTES) {
      setProblem({
        errorType: 'ValidationError',
        message: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_UPLOAD_BYTES)}. Split the file or keep its most recent part.`,
      });
      return;
    }
    if (needsUpload(file)) {
      takeText('', file.name);
      setBigFile(file);
      return;
    }
    const text = await file.text();
    // Said when the file is chosen: a binary file filled the text field with symbols and was refused only on
    // sending ("raw: must not contain NUL characters"); an empty one left Summarize greyed out without a word.
    const refusal = text.includes('\u0000')
      ? `${file.name} is not a text file (it contains NUL bytes). Choose a plain-text log, or a .gz of one.`
      : text.trim() === ''
        ? `${file.name} is empty.`
        : null;
    if (refusal) {
      takeText('', null);
      setProblem({ errorType: 'ValidationError', message: refusal });
      return;
    }
    takeText(text, file.name);
  };

  const upload = async (file: File) => {
    const answer = await createUpload({
      filename: file.name,
      size: file.size,
      format: format.trim() || null,
      source: source.trim() || null,
      idempotencyKey,
    });
    const target = answer.data?.createLogUpload;
    if (!target) return;
    setUploading(true);
    const refused = await putFile(target.uploadUrl, target.uploadHeaders, file);
    setUploading(false);
    if (refused) setProblem(refused);
    else {
      if (userId) clearDraft(LOG_DRAFT, userId);
      navigate(`/logs/${target.entry.id}`);
    }
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void readFile(file);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (bigFile) return upload(bigFile);
    if (!text.trim() || tooLarge) return;
    const answer = await summarize({
      raw: text,
      format: format.trim() || null,
      source: source.trim() || null,
      idempotencyKey,
    });
    const id = answer.data?.summarizeLog?.id;
    if (id) {
      if (userId) clearDraft(LOG_DRAFT, userId);
      navigate(`/logs/${id}`);
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${inputId}-title`}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4" id={`${inputId}-title`}>
            Summarize a log
          </Title>
          <Text size="sm" c="dimmed">
            Up to {formatBytes(MAX_LOG_BYTES)} of text here. A file over{' '}
            {formatBytes(UPLOAD_FILES_OVER_BYTES)} or a .gz file (up to 1 GB) is uploaded as it is. E-mails,
            tokens, keys and card numbers are redacted before anything is stored.
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
              {bigFile
                ? `${bigFile.name} (${formatBytes(bigFile.size)}) will be uploaded`
                : fileName
                  ? `Loaded ${fileName} (${formatBytes(size)})`
                  : '.log, .txt, .gz or any text file'}
            </Text>
            <input
              ref={fileInput}
              id={`${inputId}-file`}
              type="file"
              aria-label="Log file"
              style={{ position: 'absolute', opacity: 0, width: 1, height: 1 }}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                // Emptied, so that choosing the same file again (after Clear, or after editing its text) is a
                // change: it did nothing before.
                e.currentTarget.value = '';
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
            description={
              text && !draftKept
                ? `A reload will lose this text: only up to ${formatBytes(LOG_DRAFT_MAX_BYTES)} is kept in this tab.`
                : undefined
            }
            error={
              !tooLarge
                ? undefined
                : size > MAX_LOG_BYTES
                  ? `${formatBytes(size)}: over the ${formatBytes(MAX_LOG_BYTES)} limit; save it as a file and choose it above, it will be uploaded`
                  : `${formatBytes(size)} of short lines: too large for one request once escaped; save it as a file and choose it above, it will be uploaded`
            }
          />
          <TextInput
            label="Source (optional)"
            description="The service or file the log came from; a later log of the same source is compared with this one"
            value={source}
            maxLength={200}
            onChange={(e) => {
              setSource(e.currentTarget.value);
              setSourceTyped(e.currentTarget.value !== '');
              edited();
            }}
          />
          <TextInput
            label="Header format (optional)"
            description="Only when the header is not recognised, in Loghub style, e.g. <Date> <Time> <Level> <Component>: <Content>"
            value={format}
            onChange={(e) => {
              setFormat(e.currentTarget.value);
              edited();
            }}
          />
          <ErrorNotice
            error={problem ?? result.error ?? created.error}
            action="Could not summarize the log"
          />
          <Group>
            <Button
              type="submit"
              loading={result.fetching || created.fetching || uploading}
              disabled={!bigFile && (!text.trim() || tooLarge)}
            >
              {bigFile ? 'Upload and summarize' : 'Summarize'}
            </Button>
            {(text || bigFile) && (
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

interface LogDraft {
  text: string;
  size: number;
  fileName: string | null;
  source: string;
  sourceTyped: boolean;
  format: string;
}

/**
 * Keeps the form in this tab's sessionStorage, as a ticket draft is, so a reload or a session that ends while
 * a pasted log waits does not lose it (it did: audit). Text over LOG_DRAFT_MAX_BYTES is left out (the other
 * fields are kept), and so is text the storage refuses; the answer says whether the text is kept.
 */
function useLogDraft(userId: string | undefined, d: LogDraft): boolean {
  const [kept, setKept] = useState(true);
  const { text, size, fileName, source, sourceTyped, format } = d;
  useEffect(() => {
    if (!userId) {
      setKept(false);
      return;
    }
    const small = size <= LOG_DRAFT_MAX_BYTES;
    const fields = {
      text: small ? text : '',
      fileName: small && text ? (fileName ?? '') : '',
      source,
      sourceTyped: sourceTyped ? 'yes' : '',
      format,
    };
    const saved = saveDraft(LOG_DRAFT, userId, fields);
    // Text the storage refused is not kept; without text, the other fields are.
    setKept(small && (saved || !text));
  }, [userId, text, size, fileName, source, sourceTyped, format]);
  return kept;
}
