/**
 * The queue of visits captured on the round, as React state over IndexedDB: add a visit (kept on
 * the device at once), sync (button, and by itself when the browser comes back online), send a
 * rejected record again, or discard it by the user's explicit choice. Only records the server
 * confirmed leave the queue (sync-outcome.ts).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/errors';
import { discardVisit, enqueueVisit, queuedVisits, removeVisits, saveVisits } from './offline-queue';
import { SYNC_BATCH, syncVisits } from './rounds-api';
import { settle, toSend, type QueuedVisit } from './sync-outcome';

export interface SyncSummary {
  at: string;
  created: number;
  duplicate: number;
  rejected: number;
  /** The sync did not reach the server (offline, network error, signed out): everything stays queued. */
  failed?: string;
}

export function useVisitQueue() {
  const [queue, setQueue] = useState<QueuedVisit[] | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [last, setLast] = useState<SyncSummary | null>(null);
  const [online, setOnline] = useState(() => navigator.onLine);
  const busy = useRef(false);
  const client = useQueryClient();

  const reload = useCallback(async () => setQueue(await queuedVisits()), []);

  const sync = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setSyncing(true);
    const summary: SyncSummary = { at: new Date().toISOString(), created: 0, duplicate: 0, rejected: 0 };
    try {
      const pending = toSend(await queuedVisits());
      for (let i = 0; i < pending.length; i += SYNC_BATCH) {
        const batch = pending.slice(i, i + SYNC_BATCH);
        const answer = await syncVisits(batch.map(({ clientId, recordedAt, patient, followUp }) => ({ clientId, recordedAt, patient, followUp })));
        const outcome = settle(batch, answer, new Date().toISOString());
        await removeVisits(outcome.remove);
        await saveVisits(outcome.rejected);
        summary.created += answer.counts.created;
        summary.duplicate += answer.counts.duplicate;
        summary.rejected += answer.counts.rejected;
      }
      if (summary.created > 0) void client.invalidateQueries({ queryKey: ['chronic'] });
    } catch (e) {
      summary.failed = e instanceof ApiError && e.status === 0 ? 'offline' : e instanceof Error ? e.message : String(e);
    } finally {
      busy.current = false;
      setSyncing(false);
      setLast(summary);
      await reload();
    }
  }, [client, reload]);

  useEffect(() => {
    void reload();
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [reload, sync]);

  const add = useCallback(
    async (visit: QueuedVisit) => {
      await enqueueVisit(visit);
      await reload();
      if (navigator.onLine) void sync();
    },
    [reload, sync],
  );

  const retry = useCallback(
    async (visit: QueuedVisit) => {
      const { rejected: _dropped, ...again } = visit;
      await saveVisits([again]);
      await reload();
      if (navigator.onLine) void sync();
    },
    [reload, sync],
  );

  const discard = useCallback(
    async (clientId: string) => {
      await discardVisit(clientId);
      await reload();
    },
    [reload],
  );

  return { queue, syncing, last, online, add, sync, retry, discard };
}
