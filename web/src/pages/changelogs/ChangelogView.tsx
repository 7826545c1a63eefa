import { Alert, Badge, Button, Code, Group, List, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { UNRELEASED_TITLE } from '../../../../lambdas/core/changelog/types.ts';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import type { ChangelogQuery } from '../../gql/graphql.ts';
import { consoleNote } from './console-notes.ts';

type Changelog = NonNullable<ChangelogQuery['changelog']>;

const BUMP_COLORS: Record<string, string> = { major: 'red', minor: 'blue', patch: 'green', none: 'gray' };

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

type Item = Changelog['sections'][number]['items'][number];

/**
 * What stands before an item's description: its scope, or in Other changes its type as the message wrote it
 * (`README: …`, `deps(api): …`), as the Markdown shows it; without it the preview of a repository whose
 * commits say their area as a type ("console: …") lost the area the copied Markdown had.
 */
function itemHeader(item: Item, kind: string | null | undefined): string | null {
  const type = item.rawType ?? item.type;
  if (kind === 'other' && type) return `${type}${item.scope ? `(${item.scope})` : ''}`;
  return item.scope;
}

/** The release notes as sections (what readers will see) and as Markdown (what goes in CHANGELOG.md). */
export function ChangelogView({ changelog }: { changelog: Changelog }) {
  const version = changelog.version ?? UNRELEASED_TITLE;
  const fileName = `CHANGELOG-${changelog.version ?? changelog.date}.md`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="changelog-preview-title">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h4" id="changelog-preview-title">
            {changelog.previousVersion ? `${changelog.previousVersion} → ${version}` : version}
          </Title>
          <Badge color={BUMP_COLORS[changelog.bump] ?? 'gray'} variant="light" data-testid="changelog-bump">
            {changelog.bump === 'none' ? 'no release needed' : `${changelog.bump} bump`}
          </Badge>
          <Text size="sm" c="dimmed">
            {changelog.date}
          </Text>
        </Group>
        <Group gap="xs">
          <CopyTextButton text={changelog.markdown} label="Copy Markdown" />
          <Button variant="default" size="xs" onClick={() => download(fileName, changelog.markdown)}>
            Download .md
          </Button>
        </Group>
      </Group>
      <Tabs defaultValue="preview">
        <Tabs.List>
          <Tabs.Tab value="preview">Preview</Tabs.Tab>
          <Tabs.Tab value="markdown">Markdown</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="preview" pt="sm">
          <Stack gap="sm">
            {changelog.highlights && <Text size="sm">{changelog.highlights}</Text>}
            {changelog.sections.length === 0 && changelog.notes.length === 0 && (
              <Text size="sm" c="dimmed">
                No conventional commits found (feat:, fix:, perf:, …). Tick “Keep other messages” to list them
                anyway.
              </Text>
            )}
            {changelog.notes.length > 0 && (
              // What was left out or read leniently ("fet: add x" looks like "feat:"): the release manager's
              // to check, not part of the notes readers see.
              <Alert variant="light" color="yellow" title="Left out or read leniently" p="xs">
                <List size="sm" spacing={2}>
                  {changelog.notes.map((note) => (
                    <List.Item key={note}>{consoleNote(note)}</List.Item>
                  ))}
                </List>
              </Alert>
            )}
            {changelog.sections.map((section) => (
              <div key={section.title}>
                <Title order={3} size="h5">
                  {section.title}
                </Title>
                <List size="sm" spacing={2}>
                  {section.items.map((item) => {
                    const header = itemHeader(item, section.kind);
                    return (
                      <List.Item key={`${item.hash ?? ''}${header ?? ''}${item.description}`}>
                        {header && <strong>{header}: </strong>}
                        {item.description}
                        {item.pr ? ` (#${item.pr})` : ''}
                        {item.hash ? (
                          <Text span c="dimmed" size="xs">
                            {' '}
                            {item.hash.slice(0, 7)}
                          </Text>
                        ) : null}
                        {item.breaking && (
                          <Badge size="xs" color="red" ml={6}>
                            breaking
                          </Badge>
                        )}
                      </List.Item>
                    );
                  })}
                </List>
              </div>
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="markdown" pt="sm">
          <Code block aria-label="Changelog Markdown">
            {changelog.markdown}
          </Code>
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}
