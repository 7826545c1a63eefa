import { Alert, Anchor, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { type ApiError, asApiError } from '../api/errors.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NEW_PASSWORD_HINT, newPasswordTooShort } from '../components/new-password.ts';
import { PasswordField } from '../components/PasswordField.tsx';
import { useSession, useSessionStore } from '../session/SessionProvider.tsx';

const END_MESSAGES = {
  expired: 'Your session has ended (it expired, or you signed out in another tab). Please sign in again.',
  'signed-out': 'You are signed out.',
} as const;

/** Only paths inside the console: `next` must not send the user to another site. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage({ mode }: { mode: 'signin' | 'signup' }) {
  const session = useSession();
  const store = useSessionStore();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Signup only (an existing password is not re-checked): said once a send was tried, then kept up to date.
  const [lengthChecked, setLengthChecked] = useState(false);
  const signup = mode === 'signup';
  const title = signup ? 'Create an account' : 'Sign in';

  useEffect(() => {
    document.title = `${title} · AI Ops`;
  }, [title]);

  if (session) return <Navigate to={safeNext(params.get('next'))} replace />;
  const ended = store.endReason;
  const tooShort = signup && lengthChecked ? newPasswordTooShort(password) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (signup) {
      setLengthChecked(true);
      if (newPasswordTooShort(password)) return;
    }
    setBusy(true);
    setError(null);
    try {
      if (signup) await store.signUp(email, password);
      else await store.signIn(email, password);
    } catch (caught: unknown) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} noValidate={false}>
          <Stack>
            <div>
              <Title order={1} size="h2">
                {title}
              </Title>
              <Text c="dimmed" size="sm">
                AI Ops Assistant: log summaries, ticket triage and changelogs.
              </Text>
            </div>
            {ended && !signup && (
              <Alert color={ended === 'expired' ? 'yellow' : 'blue'} variant="light" role="status">
                {END_MESSAGES[ended]}
              </Alert>
            )}
            <ErrorNotice
              error={error}
              action={signup ? 'Could not create the account' : 'Could not sign in'}
            />
            <TextInput
              label="Email"
              type="email"
              autoComplete={signup ? 'email' : 'username'}
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordField
              label="Password"
              autoComplete={signup ? 'new-password' : 'current-password'}
              required
              description={signup ? NEW_PASSWORD_HINT : undefined}
              error={tooShort}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} fullWidth>
              {title}
            </Button>
            <Text size="sm" ta="center">
              {signup ? (
                <>
                  Already have an account?{' '}
                  <Anchor component={Link} to="/signin">
                    Sign in
                  </Anchor>
                </>
              ) : (
                <>
                  New here?{' '}
                  <Anchor component={Link} to="/signup">
                    Create an account
                  </Anchor>
                </>
              )}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
