/**
 * The device's own store (IndexedDB through idb-keyval): the queue of visits captured on the round,
 * kept until the server confirms them, and the last round plans (with the residents' names) so the
 * page still shows them without a network. Nothing here leaves the device except through sync.
 */
import { createStore, del, delMany, entries, get, set, setMany } from 'idb-keyval';
import type { RoundPlan } from './rounds-api';
import type { QueuedVisit } from './sync-outcome';

const queueStore = createStore('healthy-brain-rounds-queue', 'visits');
const planStore = createStore('healthy-brain-rounds-plans', 'plans');

/** Queued visits, oldest first. */
export async function queuedVisits(): Promise<QueuedVisit[]> {
  const all = (await entries<string, QueuedVisit>(queueStore)).map(([, v]) => v);
  return all.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.clientId.localeCompare(b.clientId));
}

export async function enqueueVisit(visit: QueuedVisit): Promise<void> {
  await set(visit.clientId, visit, queueStore);
}

export async function removeVisits(clientIds: readonly string[]): Promise<void> {
  if (clientIds.length > 0) await delMany([...clientIds], queueStore);
}

export async function saveVisits(visits: readonly QueuedVisit[]): Promise<void> {
  if (visits.length > 0) await setMany(visits.map((v) => [v.clientId, v]), queueStore);
}

/** Deletes one record the user chose to discard (a rejected record is never discarded otherwise). */
export async function discardVisit(clientId: string): Promise<void> {
  await del(clientId, queueStore);
}

export interface CachedPlan {
  plan: RoundPlan;
  names: Record<string, string>;
  savedAt: string;
}

const planKey = (team: string | undefined, date: string) => `${team ?? '-'}|${date}`;

export async function cachePlan(team: string | undefined, date: string, value: CachedPlan): Promise<void> {
  await set(planKey(team, date), value, planStore);
}

export async function cachedPlan(team: string | undefined, date: string): Promise<CachedPlan | undefined> {
  return get<CachedPlan>(planKey(team, date), planStore);
}
