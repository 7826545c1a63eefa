import { Alert, Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { CombinedError } from 'urql';
import { firstApiError } from '../api/errors.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { PageLoading } from './Layout.tsx';
import { PageHeader } from './PageHeader.tsx';

/**
 * The API refused the record's id itself ("id: must be an ID"): the address names no record. Said as such,
 * not "Please check what you entered", since the user typed nothing (audit: `/tickets/not-a-uuid`).
 */
function isMalformedId(error: CombinedError | undefined): boolean {
  const apiError = firstApiError(error);
  return apiError?.errorType === 'ValidationError' && /^id\b/.test(apiError.message);
}

/** A detail page before its record arrives: loading, or why it cannot be shown (not found, not allowed…). */
export function MissingRecord({
  title,
  fetching,
  error,
  listPath,
  onRetry,
}: {
  title: string;
  fetching: boolean;
  error: CombinedError | undefined;
  /** Where the list of such records is, offered when the address names none. */
  listPath?: string;
  /** Offered when the record could not be fetched (the server cannot be reached), not when it does not exist. */
  onRetry?: () => void;
}) {
  const apiError = firstApiError(error);
  const retryable = apiError?.errorType === 'NetworkError' || apiError?.errorType === 'ServiceUnavailable';
  if (fetching) return <PageLoading />;
  const what = title.toLowerCase();
  if (isMalformedId(error)) {
    return (
      <>
        <PageHeader title={title} />
        <Alert color="red" title={`No ${what} with this address`} role="alert" variant="light">
          <Text size="sm">
            The link may be cut short or mistyped.
            {listPath && (
              <>
                {' '}
                Find it in the{' '}
                <Anchor component={Link} to={listPath}>
                  list
                </Anchor>
                .
              </>
            )}
          </Text>
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader title={title} />
      <ErrorNotice
        error={error ?? { errorType: 'NotFound', message: '' }}
        action={`Could not load this ${what}`}
        onRetry={retryable ? onRetry : undefined}
      />
    </>
  );
}
