/**
 * HTTP routes of OpenID Connect login (oidc.ts): GET /auth/oidc/config (public, always),
 * and when an issuer is configured GET /auth/oidc/login, GET /auth/oidc/callback and
 * POST /auth/oidc/token. Without an issuer the last three do not exist (404).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OIDC_COOKIE, OidcUnavailableError, type OidcLogin } from './oidc.js';

/** The browser-binding cookie of the request, if any (RFC 6265 §5.4 Cookie header). */
function bindingOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === OIDC_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${OIDC_COOKIE}=${value}; Path=/auth/oidc; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Registers the OIDC routes; `login` undefined = OIDC off (only /auth/oidc/config, answering enabled: false). */
export async function oidcRoutes(app: FastifyInstance, options: { login?: OidcLogin }): Promise<void> {
  const { login } = options;
  app.get('/auth/oidc/config', async () => (login ? login.publicConfig() : { enabled: false }));
  if (!login) return;

  app.get<{ Querystring: { next?: string } }>('/auth/oidc/login', async (request, reply) => {
    let started: Awaited<ReturnType<OidcLogin['start']>>;
    try {
      started = await login.start({ requestOrigin: `${request.protocol}://${request.headers.host ?? 'localhost'}`, next: request.query.next });
    } catch (err) {
      if (err instanceof OidcUnavailableError) return reply.code(503).header('retry-after', '30').send(err.outcome);
      throw err;
    }
    return noStore(reply).header('set-cookie', cookie(started.binding, 600, started.secureCookie)).redirect(started.location, 302);
  });

  app.get('/auth/oidc/callback', async (request, reply) => {
    const { location } = await login.callback({ query: (request.query ?? {}) as Record<string, unknown>, binding: bindingOf(request) });
    // 303: the browser GETs the web app, which finds the one-time code in the fragment.
    return noStore(reply).redirect(location, 303);
  });

  app.post('/auth/oidc/token', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    const tokens = await login.exchange(body.code, bindingOf(request));
    return noStore(reply).header('set-cookie', cookie('', 0, request.protocol === 'https')).send(tokens);
  });
}
