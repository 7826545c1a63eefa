import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';

export interface Pages {
  token: string | null;
  canGoBack: boolean;
  back: () => void;
  forward: (next: string) => void;
  reset: () => void;
}

/**
 * AppSync-style paging (`nextToken`) with a way back: the tokens of the pages before the current one.
 * `token` is the one to send now; `reset` goes back to the first page (when a filter changes).
 */
export function usePages(): Pages {
  const [tokens, setTokens] = useState<(string | null)[]>([null]);
  return {
    token: tokens[tokens.length - 1] ?? null,
    canGoBack: tokens.length > 1,
    back: () => setTokens(tokens.slice(0, -1)),
    forward: (next: string) => setTokens([...tokens, next]),
    reset: () => setTokens([null]),
  };
}

/** The query-string parameter holding the tokens of the pages before and including the current one. */
export const PAGE_PARAM = 'page';

/** `params` without the paging: a changed filter starts again at the first page (tokens belong to a query). */
export function withoutPages(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(PAGE_PARAM);
  return next;
}

/**
 * Paging kept in the URL (`?page=<token>&page=<token>`), so Back from a record and a reload return to the page
 * one was on (QA pass 2). Each page turn is a history entry; the list's filters must be in the URL too, as a
 * token only fits the query it came from.
 */
export function useUrlPages(): Pages {
  const [params, setParams] = useSearchParams();
  const tokens = params.getAll(PAGE_PARAM);
  const go = (next: string[]) => {
    const updated = withoutPages(params);
    for (const token of next) updated.append(PAGE_PARAM, token);
    setParams(updated);
  };
  return {
    token: tokens.at(-1) ?? null,
    canGoBack: tokens.length > 0,
    back: () => go(tokens.slice(0, -1)),
    forward: (next: string) => go([...tokens, next]),
    reset: () => go([]),
  };
}

interface PagerProps {
  pages: Pages;
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
