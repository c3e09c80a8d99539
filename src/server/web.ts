/**
 * Serves the web app (web/, built by Vite into web/dist) at `/` from the same server as the API.
 * Client-side routes fall back to index.html; API paths keep their own 404s.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** web/dist next to src/ or dist/ (both are one level below the package root). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Registers static serving of the built web app, if it has been built. Returns whether it was. */
export async function registerWeb(app: FastifyInstance, root = WEB_DIST): Promise<boolean> {
  if (!existsSync(root)) return false;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false });
  return true;
}
