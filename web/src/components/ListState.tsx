import { Text } from '@mantine/core';

interface Props {
  fetching: boolean;
  empty: boolean;
  /** The list's own error notice says what went wrong; this says nothing then. */
  error: boolean;
  loading: string;
  none: string;
}

/**
 * What an empty list says: that it is still loading, or that there is nothing. Before, a slow answer showed
 * a bare table heading (tickets, logs) or "None yet." (past changelogs, though there were some) until it came
 * (QA pass of 7 December, API answering in 4 s).
 */
export function ListState({ fetching, empty, error, loading, none }: Props) {
  if (!empty || error) return null;
  return (
    <Text c="dimmed" size="sm" role="status">
      {fetching ? loading : none}
    </Text>
  );
}
