/**
 * What a failing browser test leaves behind besides its screenshot: each GraphQL call the page made (operation,
 * HTTP status, time taken, error types), what the page logged as an error, and requests that never got an
 * answer. A CI failure that cannot be reproduced here is then read from its log.
 */
import type { Page, Request } from 'playwright-core';

const KEEP = 60;

export interface PageTrace {
  lines: () => string[];
}

function operationOf(request: Request): string {
  try {
    const body = request.postDataJSON() as { operationName?: unknown; query?: unknown } | null;
    if (typeof body?.operationName === 'string') return body.operationName;
    if (typeof body?.query === 'string') return body.query.replace(/\s+/g, ' ').slice(0, 60);
  } catch {
    // not JSON: fall through
  }
  return request.method();
}

function errorTypes(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { errorType?: unknown; message?: unknown }[] };
    return (body.errors ?? []).map((e) => `${String(e.errorType)}: ${String(e.message)}`).join('; ');
  } catch {
    return '';
  }
}

export function tracePage(page: Page): PageTrace {
  const started = Date.now();
  const lines: string[] = [];
  const add = (line: string) => {
    lines.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`);
    if (lines.length > KEEP) lines.shift();
  };
  const sentAt = new Map<Request, number>();
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql')) sentAt.set(request, Date.now());
  });
  page.on('response', async (response) => {
    const request = response.request();
    const sent = sentAt.get(request);
    if (sent === undefined) return;
    sentAt.delete(request);
    const took = Date.now() - sent;
    const errors = await response.text().then(errorTypes, () => '(body unreadable)');
    add(`${operationOf(request)} → ${response.status()} in ${took} ms${errors ? ` errors: ${errors}` : ''}`);
  });
  page.on('requestfailed', (request) => {
    add(`${request.method()} ${request.url()} failed: ${request.failure()?.errorText ?? 'unknown'}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      add(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => add(`page error: ${error.message}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) add(`at ${frame.url()}`);
  });
  return {
    lines: () => {
      const pending = [...sentAt.entries()].map(
        ([request, sent]) => `still waiting ${Date.now() - sent} ms for ${operationOf(request)}`,
      );
      return [...lines, ...pending];
    },
  };
}
