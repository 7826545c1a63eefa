import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate } from 'react-router';
import { type ApiError, asApiError } from '../api/errors.ts';
import { postGraphQL } from '../api/graphql-fetch.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NEW_PASSWORD_HINT, newPasswordTooShort } from '../components/new-password.ts';
import { PasswordField } from '../components/PasswordField.tsx';
import { graphql } from '../gql/index.ts';
import { useConsoleConfig, useSession, useSessionStore } from '../session/SessionProvider.tsx';

const SetPasswordDocument = graphql(`
  mutation SetPasswordWithToken($token: String!, $password: String!) {
    setPasswordWithToken(token: $token, password: $password) { user { email } }
  }
`);

/** The token of an invite or reset link (/set-password#token=…): in the fragment, so no server log sees it. */
function tokenFromLink(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/**
 * Why the link itself cannot be used, as a sentence about the link: the API names the `token` field ("token:
 * has already been used"), and the page said "Please check what you entered. token: has already been used",
 * though the person typed only a password.
 */
function linkProblem(error: ApiError | null): string | null {
  const reason =
    error?.errorType === 'ValidationError' ? /^token: (.+)$/.exec(error.message)?.[1] : undefined;
  if (!reason) return null;
  const what = reason.split(';')[0]?.replace('token', 'link') ?? reason;
  return `This link ${what}. Ask your administrator for a new one.`;
}

/** Where an invited user, or one whose password an admin reset, chooses a password; then they are signed in. */
export default function SetPasswordPage() {
  const session = useSession();
  const store = useSessionStore();
  const config = useConsoleConfig();
  const [token] = useState(tokenFromLink);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Said once a send was tried, then kept up to date as the password is typed.
  const [lengthChecked, setLengthChecked] = useState(false);
  if (session) return <Navigate to="/" replace />;
  const tooShort = lengthChecked ? newPasswordTooShort(password) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setLengthChecked(true);
    if (newPasswordTooShort(password)) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await postGraphQL(
        config.graphqlUrl,
        SetPasswordDocument,
        { token, password },
        { 'x-api-key': config.apiKey },
      );
      const email = answer.setPasswordWithToken?.user.email;
      if (email) await store.signIn(email, password);
    } catch (caught: unknown) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              Choose your password
            </Title>
            {!token && (
              <Alert color="yellow" variant="light">
                This link has no token. Open the whole link your administrator gave you.
              </Alert>
            )}
            {linkProblem(error) ? (
              <Alert color="red" variant="light" role="alert" title="This link cannot be used">
                {linkProblem(error)}
              </Alert>
            ) : (
              <ErrorNotice error={error} action="Could not set the password" />
            )}
            <PasswordField
              label="New password"
              autoComplete="new-password"
              required
              description={NEW_PASSWORD_HINT}
              error={tooShort}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} disabled={!token}>
              Set password and sign in
            </Button>
            <Text size="xs" c="dimmed">
              The link works once; ask your administrator for a new one if it has expired.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
