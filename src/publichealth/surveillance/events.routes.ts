/**
 * GET /api/surveillance/events — a Server-Sent Events stream (WHATWG HTML §9.2) of signals created or
 * changed (new signals of a run, workflow transitions) in the caller's org units, for the web app.
 * The stream polls surv_signal by `updated_at`, so it also sees signals written by another process
 * (the CLI, another server on the same PostgreSQL). `?since=ISO` (or the Last-Event-ID header) resumes
 * after a reconnect. The stream ends after `maxStreamMs` (default 15 min, about one access token), and the
 * client reconnects with a fresh token (read it with fetch: EventSource cannot send Authorization).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import type { Database } from '../../foundation/db/index.js';
import { outcomes } from '../../foundation/fhir/index.js';
import { listSignals } from './signals.repository.js';
import { aggregateScope } from './signals.service.js';

export interface EventRoutesOptions {
  db: Database;
  access: AccessService;
  clock: () => Date;
  /** Milliseconds between two looks at the signal table (default 10 s). */
  pollMs?: number;
  maxStreamMs?: number;
}

export async function surveillanceEventRoutes(app: FastifyInstance, options: EventRoutesOptions): Promise<void> {
  const pollMs = options.pollMs ?? 10_000;
  const maxStreamMs = options.maxStreamMs ?? 15 * 60_000;
  const open = new Set<ServerResponse>();
  // End open streams before the server waits for its connections to close.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get('/api/surveillance/events', async (request, reply) => {
    const { principal } = await options.access.authenticate(request.headers.authorization);
    const q = request.query as Record<string, string | undefined>;
    const resume = q.since ?? (request.headers['last-event-id'] as string | undefined);
    if (resume !== undefined && Number.isNaN(Date.parse(resume))) outcomes.fail('since must be an ISO 8601 instant', 'since');
    let since = resume ? new Date(resume).toISOString() : options.clock().toISOString();
    const scope = aggregateScope(principal);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: ${pollMs}\n: signals in your org units changed after ${since}\n\n`);
    open.add(res);
    const ends = Date.now() + maxStreamMs;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      open.delete(res);
      if (!res.writableEnded) res.end();
    };
    request.raw.on('close', stop);
    const tick = async () => {
      if (!open.has(res)) return;
      try {
        const { signals } = await listSignals(options.db, { scope, updatedSince: since, limit: 200, offset: 0 });
        for (const s of signals) {
          res.write(`id: ${s.updatedAt}\nevent: signal\ndata: ${JSON.stringify(s)}\n\n`);
          if (s.updatedAt > since) since = s.updatedAt;
        }
        if (signals.length === 0) res.write(': keep-alive\n\n');
      } catch (err) {
        request.log.error({ err }, 'surveillance events: poll failed');
      }
      if (Date.now() >= ends) return stop();
      timer = setTimeout(() => void tick(), pollMs);
    };
    void tick();
  });
}
