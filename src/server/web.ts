/**
 * Serves the web app (web/, built by Vite into web/dist) at `/` from the same server as the API.
 * Client-side routes fall back to index.html: a GET of an unknown path that is not an API path and
 * accepts text/html gets the app, which routes it in the browser. API paths, and requests that do
 * not want HTML, keep the platform's OperationOutcome 404.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist next to src/ or dist/ (both are one level below the package root). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Path prefixes that belong to the API, never to the web app. */
export const API_PREFIXES = ['/fhir', '/auth', '/oauth2', '/api', '/healthz', '/metrics'] as const;

/** True when `url` (path + query) is an API path. */
export function isApiPath(url: string): boolean {
  const path = url.split('?')[0];
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** True when the client asked for an HTML page (a browser navigation). */
export function wantsHtml(accept: string | undefined): boolean {
  return !!accept && /\btext\/html\b/i.test(accept);
}

/** Registers static serving of the built web app, if it has been built. Returns whether it was. */
export async function registerWeb(app: FastifyInstance, root = WEB_DIST): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
  const fallback = (request: FastifyRequest, reply: FastifyReply) => {
    if (isApiPath(request.url) || !wantsHtml(request.headers.accept)) return reply.callNotFound();
    // The shell must never be cached stale: its asset names change with every build.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  app.get('/*', fallback);
  return true;
}
