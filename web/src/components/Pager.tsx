import { Button, Group } from '@mantine/core';
import { useState } from 'react';

/**
 * AppSync-style paging (`nextToken`) with a way back: the tokens of the pages before the current one.
 * `token` is the one to send now; `reset` goes back to the first page (when a filter changes).
 */
export function usePages() {
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  return {
    token: tokens[tokens.length - 1] ?? null,
    canGoBack: tokens.length > 1,
    back: () => setTokens(tokens.slice(0, -1)),
    forward: (next: string) => setTokens([...tokens, next]),
    reset: () => setTokens([null]),
  };
}

interface PagerProps {
  pages: ReturnType<typeof usePages>;
  nextToken: string | null | undefined;
  /** Words for the two directions: lists sorted newest first say Newer/Older. */
  labels?: [string, string];
}

export function Pager({ pages, nextToken, labels = ['Newer', 'Older'] }: PagerProps) {
  return (
    <Group>
      <Button variant="default" size="xs" disabled={!pages.canGoBack} onClick={pages.back}>
        {labels[0]}
      </Button>
      <Button
        variant="default"
        size="xs"
        disabled={!nextToken}
        onClick={() => nextToken && pages.forward(nextToken)}
      >
        {labels[1]}
      </Button>
    </Group>
  );
}
