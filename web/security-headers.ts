/**
 * The console's response headers, one definition for both places that serve it: the local server
 * (local/console-files.ts) and CloudFront (lib/web-console.ts). Plain TypeScript, no dependencies.
 */

/**
 * Content-Security-Policy. Scripts only from the console's own origin (no inline script, no eval);
 * `connect-src` names the API origin ('self' locally, the AppSync endpoint on AWS); styles allow inline
 * attributes because the component and chart libraries set them.
 */
export function consoleCsp(apiOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    apiOrigin ? `connect-src 'self' ${apiOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const REFERRER_POLICY = 'strict-origin-when-cross-origin';
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=()';
