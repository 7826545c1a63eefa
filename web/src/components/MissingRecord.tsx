import type { CombinedError } from 'urql';
import { ErrorNotice } from './ErrorNotice.tsx';
import { PageLoading } from './Layout.tsx';
import { PageHeader } from './PageHeader.tsx';

/** A detail page before its record arrives: loading, or why it cannot be shown (not found, not allowed…). */
export function MissingRecord({
  title,
  fetching,
  error,
}: {
  title: string;
  fetching: boolean;
  error: CombinedError | undefined;
}) {
  if (fetching) return <PageLoading />;
  return (
    <>
      <PageHeader title={title} />
      <ErrorNotice
        error={error ?? { errorType: 'NotFound', message: '' }}
        action={`Could not load this ${title.toLowerCase()}`}
      />
    </>
  );
}
