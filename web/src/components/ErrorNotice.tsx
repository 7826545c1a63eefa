import { Alert, Button, Group, Text } from '@mantine/core';
import type { CombinedError } from 'urql';
import { type ApiError, describeError, firstApiError } from '../api/errors.ts';

interface Props {
  error: ApiError | CombinedError | null | undefined;
  /** What the user was doing, e.g. "Could not load tickets". */
  action?: string;
  onRetry?: () => void;
}

function isCombined(error: ApiError | CombinedError): error is CombinedError {
  return 'graphQLErrors' in error;
}

/** One API error as a sentence (and the server's detail), with a retry when it makes sense. */
export function ErrorNotice({ error, action, onRetry }: Props) {
  if (!error) return null;
  const apiError = isCombined(error) ? firstApiError(error) : error;
  if (!apiError) return null;
  const { title, detail } = describeError(apiError);
  return (
    <Alert color="red" title={action ?? 'Something went wrong'} role="alert" variant="light">
      <Text size="sm">{title}</Text>
      {detail && (
        <Text size="sm" c="dimmed" mt={4}>
          {detail}
        </Text>
      )}
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        </Group>
      )}
    </Alert>
  );
}
