/**
 * The console's response headers, one definition for both places that serve it: the local server
 * (local/console-files.ts) and CloudFront (lib/web-console.ts). Plain TypeScript, no dependencies.
 * The local GraphiQL page (local/http-server.ts) gets the same headers with its own script rules (ideCsp).
 */

function csp(scriptSrc: string, connectSrc: string, extra: string[] = []): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connectSrc}`,
    ...extra,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Content-Security-Policy. Scripts only from the console's own origin (no inline script, no eval);
 * `connect-src` names the API origin ('self' locally, the AppSync endpoint on AWS); styles allow inline
 * attributes because the component and chart libraries set them.
 */
export function consoleCsp(apiOrigin?: string): string {
  return csp("'self'", apiOrigin ? `'self' ${apiOrigin}` : "'self'");
}

/**
 * GraphiQL's page is one self-contained HTML file whose code is inline script: those scripts are allowed by
 * their SHA-256 hashes, so an injected inline script still cannot run ('unsafe-inline' would let it). Its
 * editor (Monaco) starts its workers from blob: URLs made of strings in those scripts.
 */
export function ideCsp(scriptHashes: readonly string[]): string {
  const hashes = scriptHashes.map((hash) => `'sha256-${hash}'`);
  return csp(["'self'", ...hashes].join(' '), "'self'", ["worker-src 'self' blob:"]);
}

export const REFERRER_POLICY = 'strict-origin-when-cross-origin';
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=()';
