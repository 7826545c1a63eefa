import { Button, Group, Paper, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { clearDraft, readDraft, saveDraft } from '../../components/drafts.ts';
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

/** The draft's name in sessionStorage (components/drafts.ts). */
export const NEW_TICKET_DRAFT = 'new-ticket';

export function NewTicketForm({ userId }: { userId: string }) {
  const navigate = useNavigate();
  const [draft] = useState(() => readDraft(NEW_TICKET_DRAFT, userId));
  const [title, setTitle] = useState(draft?.title ?? '');
  const [body, setBody] = useState(draft?.body ?? '');
  const [project, setProject] = useState(draft?.project ?? '');
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [result, triage] = useMutation(TriageTicketDocument);
  const edited = (fields: { title?: string; body?: string; project?: string }) => {
    setIdempotencyKey(crypto.randomUUID());
    saveDraft(NEW_TICKET_DRAFT, userId, { title, body, project, ...fields });
  };

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
    if (id) {
      clearDraft(NEW_TICKET_DRAFT, userId);
      navigate(`/tickets/${id}`);
    }
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
              edited({ title: e.currentTarget.value });
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
              edited({ body: e.currentTarget.value });
            }}
          />
          <TextInput
            label="Project (optional)"
            description='The repository or product, e.g. "microsoft/vscode"; it makes triage more accurate.'
            maxLength={200}
            value={project}
            onChange={(e) => {
              setProject(e.currentTarget.value);
              edited({ project: e.currentTarget.value });
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
