/**
 * The built web console (web/dist) as the local server serves it: hashed assets cached for a year, index.html
 * for every client-side route, the same security headers CloudFront sets on AWS (lib/web-console.ts), and
 * `/config.json` written at start the way the WebConsole construct writes it at deploy.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { consoleCsp, PERMISSIONS_POLICY, REFERRER_POLICY } from '../web/security-headers.ts';

export const DEFAULT_CONSOLE_DIR = resolve(import.meta.dirname, '../web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** As CloudFront sends them on AWS (lib/web-console.ts); locally the API is on the same origin. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': consoleCsp(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': REFERRER_POLICY,
  'permissions-policy': PERMISSIONS_POLICY,
};

export interface ConsoleFile {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AI Ops console</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:web</code> (npm ci runs it for you), then
reload. The GraphQL IDE is at <a href="/graphiql">/graphiql</a>.</p></main></body></html>`;

/** Resolves a request path to a file of the built console, or index.html for client-side routes. */
export function consoleFile(dir: string, urlPath: string): ConsoleFile | null {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    return {
      status: 503,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: Buffer.from(NOT_BUILT),
    };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  const isFile = existsSync(candidate) && statSync(candidate).isFile();
  if (!isFile && extname(decoded) !== '') return null;
  const path = isFile ? candidate : index;
  const immutable = path.startsWith(join(root, 'assets') + sep);
  return {
    status: 200,
    headers: {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    },
    body: readFileSync(path),
  };
}
