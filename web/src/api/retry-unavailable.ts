/**
 * A fetch that retries GraphQL answers of `errorType: ServiceUnavailable`: the API says the database cannot be
 * reached yet (a personal stage's paused database resumes in about 15 seconds) and that nothing was done, so
 * asking again is safe. Other answers, and the last one, go to the caller unchanged.
 */
export const UNAVAILABLE_RETRY_DELAYS_MS: readonly number[] = [2000, 4000, 8000, 8000];

interface Options {
  delaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

async function saysUnavailable(response: Response): Promise<boolean> {
  if (!response.ok) return false;
  try {
    const body = (await response.clone().json()) as { errors?: { errorType?: unknown }[] };
    return (body.errors ?? []).some((error) => error.errorType === 'ServiceUnavailable');
  } catch {
    return false;
  }
}

export function retryingUnavailable(fetchImpl: typeof fetch = fetch, options: Options = {}): typeof fetch {
  const delays = options.delaysMs ?? UNAVAILABLE_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (input, init) => {
    let response = await fetchImpl(input, init);
    for (const delay of delays) {
      if (!(await saysUnavailable(response))) return response;
      await sleep(delay);
      response = await fetchImpl(input, init);
    }
    return response;
  };
}
