import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type OperationContext, useMutation } from 'urql';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDateTime } from '../../components/format.ts';
import type { Role, UserStatus } from '../../gql/graphql.ts';
import { graphql } from '../../gql/index.ts';
import { ROLE_WORDS } from '../../session/roles.ts';

/** The users list refetches after any mutation that returns a User. */
export const USER_LIST: Partial<OperationContext> = { additionalTypenames: ['User'] };

const CreateUserDocument = graphql(`
  mutation CreateUser($email: AWSEmail!, $role: Role!) {
    createUser(email: $email, role: $role) { user { id email role status } token purpose expiresAt }
  }
`);

const DisableUserDocument = graphql(`
  mutation DisableUser($userId: ID!) { disableUser(userId: $userId) { id status } }
`);

const EnableUserDocument = graphql(`
  mutation EnableUser($userId: ID!) { enableUser(userId: $userId) { id status } }
`);

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($userId: ID!) {
    resetPassword(userId: $userId) { user { id email } token purpose expiresAt }
  }
`);

const DeleteUserDocument = graphql(`
  mutation DeleteUser($userId: ID!, $deleteData: Boolean) {
    deleteUser(userId: $userId, deleteData: $deleteData) {
      user { id status } dataDeleted logEntries tickets changelogs
    }
  }
`);

/** A one-time link to hand over: shown once, never stored in the console. */
export interface Issued {
  email: string;
  purpose: string;
  token: string;
  expiresAt: string | null;
}

const ROLES: Role[] = ['ADMIN', 'OPS', 'HR', 'USER'];

function issuedFrom(answer: {
  user: { email: string };
  token?: string | null;
  purpose: string;
  expiresAt?: string | null;
}): Issued | null {
  if (!answer.token) return null;
  return {
    email: answer.user.email,
    purpose: answer.purpose,
    token: answer.token,
    expiresAt: answer.expiresAt ?? null,
  };
}

export function IssuedLink({ issued, onClose }: { issued: Issued; onClose: () => void }) {
  const link = `${window.location.origin}/set-password#token=${issued.token}`;
  const what = issued.purpose === 'INVITE' ? 'Invite link' : 'Password reset link';
  return (
    <Alert
      color="green"
      variant="light"
      title={`${what} for ${issued.email}`}
      withCloseButton
      closeButtonLabel="Dismiss the link"
      onClose={onClose}
    >
      <Stack gap="xs">
        <Text size="sm">
          Give this link to {issued.email} (it is shown only now and works once
          {issued.expiresAt ? `, until ${formatDateTime(issued.expiresAt)}` : ''}):
        </Text>
        <Code block>{link}</Code>
        <Group>
          <CopyTextButton text={link} label="Copy the link" />
        </Group>
      </Stack>
    </Alert>
  );
}

export function CreateUser({ onIssued }: { onIssued: (issued: Issued) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('USER');
  const [result, create] = useMutation(CreateUserDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await create({ email, role });
    const issued = answer.data?.createUser ? issuedFrom(answer.data.createUser) : null;
    if (issued) {
      onIssued(issued);
      setEmail('');
    }
  };
  return (
    <form onSubmit={submit} aria-label="Create a user">
      <Group align="flex-end">
        <TextInput
          label="New user's e-mail"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <NativeSelect
          label="Role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
          data={ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }))}
        />
        <Button type="submit" loading={result.fetching} disabled={!email.trim()}>
          Create and get an invite link
        </Button>
      </Group>
      <ErrorNotice error={result.error} action="Could not create the user" />
    </form>
  );
}

interface Target {
  id: string;
  email: string;
  status: UserStatus;
}

/**
 * Always mounted, opened by `opened`: Mantine returns the focus to the button that opened a modal when it
 * closes, not when it is unmounted. Mounted only while open, Escape or Cancel left the focus on the page's
 * body, and a keyboard user had to tab from the top of the users list again (QA pass, 7 December).
 */
function DeleteDialog({ user, opened, onClose }: { user: Target; opened: boolean; onClose: () => void }) {
  const [deleteData, setDeleteData] = useState(false);
  const [result, remove] = useMutation(DeleteUserDocument);
  const close = () => {
    setDeleteData(false);
    onClose();
  };
  const run = async () => {
    const answer = await remove({ userId: user.id, deleteData });
    if (answer.data?.deleteUser) close();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Delete ${user.email}?`}>
      <Stack>
        <Text size="sm">
          The account, its sessions and its one-time links go. Its log entries, tickets and changelogs stay
          (owned by a deleted account) unless you delete them too. The audit log keeps the deletion.
        </Text>
        <Checkbox
          label="Also delete the user's log entries, tickets and changelogs"
          checked={deleteData}
          onChange={(e) => setDeleteData(e.currentTarget.checked)}
        />
        <ErrorNotice error={result.error} action="Could not delete the user" />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={() => void run()} loading={result.fetching}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Disable or enable, reset the password, delete: for someone else's account. */
export function UserActions({ user, onIssued }: { user: Target; onIssued: (issued: Issued) => void }) {
  const [disabled, disable] = useMutation(DisableUserDocument);
  const [enabled, enable] = useMutation(EnableUserDocument);
  const [reset, resetPassword] = useMutation(ResetPasswordDocument);
  const [deleting, setDeleting] = useState(false);
  const runReset = async () => {
    const answer = await resetPassword({ userId: user.id });
    const issued = answer.data?.resetPassword ? issuedFrom(answer.data.resetPassword) : null;
    if (issued) onIssued(issued);
  };
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        {user.status === 'DISABLED' ? (
          <Button
            size="xs"
            variant="light"
            loading={enabled.fetching}
            onClick={() => enable({ userId: user.id })}
            aria-label={`Enable ${user.email}`}
          >
            Enable
          </Button>
        ) : (
          <Button
            size="xs"
            variant="light"
            color="orange"
            loading={disabled.fetching}
            onClick={() => disable({ userId: user.id })}
            aria-label={`Disable ${user.email}`}
          >
            Disable
          </Button>
        )}
        <Button
          size="xs"
          variant="default"
          loading={reset.fetching}
          disabled={user.status === 'DISABLED'}
          onClick={() => void runReset()}
          aria-label={`Reset password of ${user.email}`}
        >
          Reset password
        </Button>
        <Button
          size="xs"
          variant="subtle"
          color="red"
          onClick={() => setDeleting(true)}
          aria-label={`Delete ${user.email}`}
        >
          Delete
        </Button>
      </Group>
      <ErrorNotice
        error={disabled.error ?? enabled.error ?? reset.error}
        action="Could not change the user"
      />
      <DeleteDialog user={user} opened={deleting} onClose={() => setDeleting(false)} />
    </Stack>
  );
}
