/**
 * HTTP hardening of the whole server (issue 8; docs/access.md "Hardening"):
 * - security headers on every response (helmet, computed once): a Content-Security-Policy the built web
 *   app runs under (own scripts only, no framing), X-Content-Type-Options, X-Frame-Options DENY,
 *   Referrer-Policy no-referrer, HSTS only when configured (OWASP Secure Headers Project; RFC 6797);
 * - CORS off unless origins are allowed (Fetch standard §3.2; no credentials: tokens are Bearer);
 * - rate limits per client (@fastify/rate-limit): the signed-in principal, else the IP; a strict
 *   per-IP budget on the password and token endpoints (OWASP ASVS 4.0 V2.2.1 anti-automation);
 *   over the limit a 429 OperationOutcome (code `throttled`) with Retry-After;
 * - the audit source of each request (client address, later the roles: audit-source.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessService } from '../foundation/access/index.js';
import { OperationOutcomeError, runWithAuditSource, type AuditSource } from '../foundation/fhir/index.js';
import type { Config } from './config.js';

export interface SecurityOptions {
  /** Origins allowed to call the API from a browser; empty = no CORS headers at all. */
  corsOrigins: string[];
  /** Strict-Transport-Security max-age; 0 = header not sent. */
  hstsSeconds: number;
  /** Requests per client per window; 0 = no rate limiting. */
  rateLimitMax: number;
  /** Requests per IP per window on the credential endpoints. */
  rateLimitLoginMax: number;
  rateLimitWindowSeconds: number;
  /** Largest body of non-FHIR requests, and of /fhir requests. */
  bodyLimit: number;
  fhirBodyLimit: number;
  /** Fastify trustProxy: false, true, or proxy addresses/CIDRs. */
  trustProxy: boolean | string;
}

/** The security part of the configuration (defaults come from config.ts). */
export function securityFromConfig(config: Pick<Config, keyof Omit<SecurityOptions, 'trustProxy'>> & { trustProxy: string }): SecurityOptions {
  const trustProxy = config.trustProxy === 'off' || config.trustProxy === 'false' || config.trustProxy === '' ? false : config.trustProxy === 'true' ? true : config.trustProxy;
  return {
    corsOrigins: config.corsOrigins,
    hstsSeconds: config.hstsSeconds,
    rateLimitMax: config.rateLimitMax,
    rateLimitLoginMax: config.rateLimitLoginMax,
    rateLimitWindowSeconds: config.rateLimitWindowSeconds,
    bodyLimit: config.bodyLimit,
    fhirBodyLimit: config.fhirBodyLimit,
    trustProxy,
  };
}

/**
 * The headers helmet sets for these options, computed once. @fastify/helmet builds helmet's
 * middleware again for every request (the CSP directives parsed each time: 5 % of the server's CPU
 * at 1,900 FHIR reads/s); the headers depend on the options only (no CSP nonces here).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined, // X-Powered-By: Fastify never sets it
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** Routes that take credentials (password, client secret): the strict budget. */
export const CREDENTIAL_ROUTES = new Set(['/auth/login', '/oauth2/token']);

/**
 * CSP for the web app served from web/dist: its module script and stylesheet are same-origin
 * files (no inline script); React and ECharts set inline styles; the favicon is a data: URI; the
 * API is same-origin. frame-ancestors 'none' = no framing (clickjacking). No upgrade-insecure-requests:
 * district servers often run on plain HTTP inside a private network.
 */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const throttled = (after: string) =>
  new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled', details: { text: `Too many requests: retry in ${after}` } }] });

/** Registers headers, CORS, the per-request audit source and rate limits. Call before any route. */
export async function registerHardening(app: FastifyInstance, options: SecurityOptions, access: AccessService): Promise<void> {
  // The audit source: opened on every request, re-entered after the body is parsed (stream
  // callbacks leave the async context), so every audit row of the request carries the address.
  const sources = new WeakMap<FastifyRequest, AuditSource>();
  app.addHook('onRequest', (request, _reply, done) => {
    const source: AuditSource = { address: request.ip ?? null, roles: null };
    sources.set(request, source);
    runWithAuditSource(source, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const source = sources.get(request);
    if (source) runWithAuditSource(source, done);
    else done();
  });

  const headers = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.hstsSeconds > 0 ? { maxAge: options.hstsSeconds, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  const entries = Object.entries(headers);
  app.addHook('onRequest', (_request, reply, done) => {
    // On the raw response, as helmet does: a route that takes the response over (the SSE stream,
    // reply.hijack()) sends them too.
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });

  const allowed = new Set(options.corsOrigins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !allowed.has(origin)) return; // CORS off: no Access-Control-* header, the browser refuses.
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'ETag, Location, Content-Location, Last-Modified, Retry-After');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'Authorization, Content-Type, Accept, If-Match, If-None-Exist, Prefer')
        .header('access-control-max-age', '600');
      return reply.send();
    }
  });

  if (options.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      timeWindow: options.rateLimitWindowSeconds * 1000,
      // Credential endpoints: by IP, strict. Elsewhere: by verified principal (a forged or expired
      // token counts against its IP), generous.
      keyGenerator: async (request) => {
        if (CREDENTIAL_ROUTES.has(request.routeOptions.url ?? '')) return `credentials:${request.ip}`;
        if (request.headers.authorization?.startsWith('Bearer ')) {
          try {
            const { principal } = await access.authenticate(request.headers.authorization);
            return `${principal.kind}:${principal.id}`;
          } catch {
            // fall through to the IP
          }
        }
        return `ip:${request.ip}`;
      },
      max: async (_request, key) => (key.startsWith('credentials:') ? options.rateLimitLoginMax : options.rateLimitMax),
      errorResponseBuilder: (_request, context) => throttled(context.after),
    });
  }
}
