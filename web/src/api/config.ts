/**
 * Where the API is: `/config.json` beside the console. Locally `ai-ops start` serves it; on AWS the WebConsole
 * construct writes it at deploy time (GraphQL URL and API key), so one build serves every stage.
 */
export interface ConsoleConfig {
  graphqlUrl: string;
  /** Sent as `x-api-key` on signup, login and refreshToken only (AppSync API_KEY mode). */
  apiKey: string;
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<ConsoleConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The console configuration (/config.json) answered ${response.status}`);
  const body = (await response.json()) as Partial<ConsoleConfig>;
  if (typeof body.graphqlUrl !== 'string' || typeof body.apiKey !== 'string') {
    throw new Error('The console configuration (/config.json) has no graphqlUrl or apiKey');
  }
  return { graphqlUrl: body.graphqlUrl, apiKey: body.apiKey };
}
