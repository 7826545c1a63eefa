import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { splitPastedCommits } from '../../../../lambdas/core/changelog/paste.ts';
import { releaseLabel } from '../../../../lambdas/core/changelog/types.ts';
import { LISTS } from '../../api/typenames.ts';
import { DateTimeText } from '../../components/DateTimeText.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { ListState } from '../../components/ListState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import type { ChangelogInput } from '../../gql/graphql.ts';
import { ChangelogView } from './ChangelogView.tsx';
import { ChangelogsDocument, GenerateChangelogDocument } from './changelog-documents.ts';
import { EntriesEditor, type EntryRow, newRow, toEntries } from './EntriesEditor.tsx';

const EXAMPLE = `feat(api): filter tickets by project
fix(worker): retry when the database is resuming
perf: stream large logs`;

function PastChangelogs() {
  const [{ data, error, fetching }] = useQuery({
    query: ChangelogsDocument,
    variables: { limit: 20 },
    context: LISTS.changelogs,
  });
  const items = data?.changelogs?.items ?? [];
  return (
    <Stack gap="xs" component="section" aria-labelledby="past-changelogs">
      <Title order={2} size="h4" id="past-changelogs">
        Past changelogs
      </Title>
      <ErrorNotice error={error} action="Could not load past changelogs" />
      {items.length === 0 ? (
        <ListState
          fetching={fetching}
          empty
          error={error !== undefined}
          loading="Loading…"
          none="None yet."
        />
      ) : (
        <TableScroll label="Changelog list">
          {/*
            On a phone the time generated is on the changelog's page (an unreleased one's label has the date):
            in a fixed 480 px it was off screen and the bump badge read "M…".
          */}
          <Table striped miw={{ base: 0, sm: 480 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Bump</Table.Th>
                <Table.Th>Sections</Table.Th>
                <Table.Th visibleFrom="sm">Generated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/changelogs/${c.id}`}>
                      {releaseLabel(c)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" miw="max-content">
                      {c.bump}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{c.sections.map((s) => s.title).join(', ') || '—'}</Table.Td>
                  <Table.Td visibleFrom="sm">
                    <DateTimeText iso={c.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
    </Stack>
  );
}

/**
 * Said at the field, before sending: the API's answer to "not a url" was GraphQL's wording (`Variable "$input"
 * got invalid value … is not a valid AWSURL`) under the form.
 */
function repositoryUrlProblem(value: string): string | null {
  const url = value.trim();
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    if (protocol === 'https:' || protocol === 'http:') return null;
  } catch {
    // not a URL
  }
  return 'A web address such as https://github.com/acme/app';
}

export default function ChangelogsPage() {
  const [mode, setMode] = useState<string | null>('commits');
  const [commits, setCommits] = useState('');
  const [rows, setRows] = useState<EntryRow[]>([newRow()]);
  const [previousVersion, setPreviousVersion] = useState('');
  const [repositoryUrl, setRepositoryUrl] = useState('');
  const [includeOther, setIncludeOther] = useState(false);
  const [result, generate] = useMutation(GenerateChangelogDocument);
  const parsed = splitPastedCommits(commits);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input: ChangelogInput = {
      ...(mode === 'commits' ? { commits: parsed } : { entries: toEntries(rows) }),
      ...(previousVersion.trim() ? { previousVersion: previousVersion.trim() } : {}),
      ...(repositoryUrl.trim() ? { repositoryUrl: repositoryUrl.trim() } : {}),
      includeOther,
    };
    await generate({ input, idempotencyKey: crypto.randomUUID() }, { additionalTypenames: ['Changelog'] });
  };
  const empty = mode === 'commits' ? parsed.length === 0 : toEntries(rows).length === 0;
  const urlProblem = repositoryUrlProblem(repositoryUrl);

  return (
    <Stack>
      <PageHeader
        title="Changelogs"
        description="Paste commits or list the changes; get release notes in the conventional-changelog layout and the version bump."
      />
      <Paper withBorder p="md" component="section" aria-label="New changelog">
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Tabs value={mode} onChange={setMode}>
              <Tabs.List>
                <Tabs.Tab value="commits">Commits</Tabs.Tab>
                <Tabs.Tab value="entries">Structured entries</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="commits" pt="sm">
                <Textarea
                  label="Commits, newest first"
                  description="git log output, git log --oneline, or one conventional message per line (a footer line such as BREAKING CHANGE: belongs to the line above; separate multi-line messages with ---)."
                  placeholder={EXAMPLE}
                  autosize
                  minRows={6}
                  maxRows={16}
                  value={commits}
                  onChange={(e) => setCommits(e.currentTarget.value)}
                  classNames={{ input: 'mono' }}
                />
                <Text size="xs" c="dimmed" mt={4} aria-live="polite">
                  {parsed.length} commit{parsed.length === 1 ? '' : 's'} recognised
                </Text>
              </Tabs.Panel>
              <Tabs.Panel value="entries" pt="sm">
                <EntriesEditor rows={rows} onChange={setRows} />
              </Tabs.Panel>
            </Tabs>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Previous version (optional)"
                placeholder="1.4.2"
                value={previousVersion}
                onChange={(e) => setPreviousVersion(e.currentTarget.value)}
              />
              <TextInput
                label="Repository URL (optional)"
                placeholder="https://github.com/acme/app"
                value={repositoryUrl}
                onChange={(e) => setRepositoryUrl(e.currentTarget.value)}
                error={urlProblem}
              />
            </SimpleGrid>
            <Checkbox
              label="Keep other messages (not conventional commits) in an “Other changes” section"
              checked={includeOther}
              onChange={(e) => setIncludeOther(e.currentTarget.checked)}
            />
            <ErrorNotice error={result.error} action="Could not generate the changelog" />
            <Group>
              <Button type="submit" loading={result.fetching} disabled={empty || urlProblem !== null}>
                Generate
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {result.data?.generateChangelog && <ChangelogView changelog={result.data.generateChangelog} />}
      <PastChangelogs />
    </Stack>
  );
}
