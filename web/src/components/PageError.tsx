import { Alert, Button, Group, Text } from '@mantine/core';
import { useRouteError } from 'react-router';
import { PageHeader } from './PageHeader.tsx';

/**
 * How browsers say a page's code could not be fetched: the server is unreachable, or a deploy replaced the
 * content-hashed chunks this tab's index.html names (Chromium, Firefox, Safari; Vite's CSS preload).
 */
const CHUNK_FAILURE =
  /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Unable to preload CSS/i;

/**
 * Read by shape, not `instanceof Error` (a module loader may raise its errors from another realm), and through
 * `cause`, where a wrapping loader keeps the browser's error.
 */
export function isChunkLoadError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  if ('message' in error && typeof error.message === 'string' && CHUNK_FAILURE.test(error.message))
    return true;
  return 'cause' in error && error.cause !== error && isChunkLoadError(error.cause);
}

/**
 * The router's error element: a page whose code cannot be loaded, or that throws while rendering, says so
 * inside the layout (menu and header stay) instead of leaving a blank window until a full reload. Reload is
 * the retry: React.lazy keeps a failed import, and after a deploy only a fresh index.html names the new chunks.
 */
export function PageError() {
  const error = useRouteError();
  const chunk = isChunkLoadError(error);
  return (
    <>
      <PageHeader title={chunk ? 'This page could not be loaded' : 'This page stopped working'} />
      <Alert
        color="red"
        variant="light"
        role="alert"
        title={chunk ? 'Could not load the page' : 'Something went wrong'}
      >
        <Text size="sm">
          {chunk
            ? 'The server cannot be reached, or a new version of the console has been deployed. Reload to try again.'
            : 'Something went wrong while showing this page. Reload to try again; the rest of the console still works.'}
        </Text>
        <Group mt="sm">
          <Button size="xs" variant="light" color="red" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </Group>
      </Alert>
    </>
  );
}
