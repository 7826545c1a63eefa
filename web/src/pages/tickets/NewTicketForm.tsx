import { Button, Group, Paper, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { graphql } from '../../gql/index.ts';

const TriageTicketDocument = graphql(`
  mutation TriageTicket($title: String!, $body: String, $project: String, $idempotencyKey: String) {
    triageTicket(title: $title, body: $body, project: $project, idempotencyKey: $idempotencyKey) {
      id
      triage { status }
    }
  }
`);

export function NewTicketForm() {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [project, setProject] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [result, triage] = useMutation(TriageTicketDocument);
  const edited = () => setIdempotencyKey(crypto.randomUUID());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    const answer = await triage({
      title: title.trim(),
      // A title-only ticket is normal: no description is sent as none.
      body: body.trim() || null,
      project: project.trim() || null,
      idempotencyKey,
    });
    const id = answer.data?.triageTicket?.id;
    if (id) navigate(`/tickets/${id}`);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="new-ticket-title">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={2} size="h4" id="new-ticket-title">
            New ticket
          </Title>
          <TextInput
            label="Title"
            required
            maxLength={512}
            value={title}
            onChange={(e) => {
              setTitle(e.currentTarget.value);
              edited();
            }}
          />
          <Textarea
            label="Description (optional)"
            autosize
            minRows={3}
            maxRows={10}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              edited();
            }}
          />
          <TextInput
            label="Project (optional)"
            description='The repository or product, e.g. "microsoft/vscode"; it makes triage more accurate.'
            maxLength={200}
            value={project}
            onChange={(e) => {
              setProject(e.currentTarget.value);
              edited();
            }}
          />
          <ErrorNotice error={result.error} action="Could not create the ticket" />
          <Group>
            <Button type="submit" loading={result.fetching} disabled={!title.trim()}>
              Create and triage
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
