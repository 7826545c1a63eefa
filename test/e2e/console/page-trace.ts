/**
 * What a failing browser test leaves behind besides its screenshot: each GraphQL call the page made (operation,
 * HTTP status, time taken, error types), what the page logged as an error, and requests that never got an
 * answer. A CI failure that cannot be reproduced here is then read from its log. Clicks and form submissions are
 * traced too: "Create and triage" clicked with no request after it failed a few CI runs and never here, and
 * the trace then tells whether the click reached the button and whether the form was submitted.
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

/**
 * Runs in the page before its own scripts. A string, not a function: the test runner's transform adds helpers
 * to functions that do not exist in the page.
 */
const TRACE_EVENTS = `(() => {
  const describe = (target) => {
    if (!(target instanceof Element)) return String(target);
    const text = (target.textContent || '').trim().slice(0, 40);
    return '<' + target.tagName.toLowerCase() + (target.matches(':disabled') ? ' disabled' : '') + '> ' + text;
  };
  document.addEventListener('click', (e) => console.debug('[trace] click on ' + describe(e.target)), true);
  document.addEventListener('submit', (e) => console.debug('[trace] submit of ' + describe(e.target)), true);
})();`;

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
  void page.addInitScript({ content: TRACE_EVENTS });
  page.on('console', (message) => {
    if (message.type() === 'debug' && message.text().startsWith('[trace] ')) add(message.text().slice(8));
    else if (message.type() === 'error' || message.type() === 'warning')
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
