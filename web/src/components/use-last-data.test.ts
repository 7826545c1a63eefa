import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useLastData } from './use-last-data.ts';

describe('useLastData', () => {
  it('keeps the last answer for the same key while the query has none, and never another key’s', () => {
    const { result, rerender } = renderHook(({ data, key }) => useLastData(data, key), {
      initialProps: { data: { n: 1 } as { n: number } | undefined, key: 'a' },
    });
    expect(result.current).toEqual({ n: 1 });
    rerender({ data: undefined, key: 'a' });
    expect(result.current).toEqual({ n: 1 });
    rerender({ data: { n: 2 }, key: 'a' });
    expect(result.current).toEqual({ n: 2 });
    rerender({ data: undefined, key: 'b' });
    expect(result.current).toBeUndefined();
  });
});
