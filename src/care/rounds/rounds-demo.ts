/**
 * Mobile rounds in the demo district (issue 10, "the demo district has … mobile rounds"): on the
 * simulated data's last day, each township's mobile team takes its round plan and visits the first
 * residents of it; the visits go through the same offline-capture sync a device uses (client UUIDs,
 * recorded during the round), so the registry, the coverage indicator and the synced-visit counts
 * have something to show. Deterministic apart from the client UUIDs; run once, on an empty database.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../foundation/access/index.js';
import type { FhirStore } from '../../foundation/fhir/index.js';
import { facilitiesOfType } from '../referral/index.js';
import { RoundsService, type RoundSources } from './rounds.service.js';

/** Teams (townships) that go on a demo round, and residents each visits. */
const TEAMS = 2;
const VISITS_PER_TEAM = 8;
const MINUTE = 60_000;

/** A reading in the usual range of treated patients, varied by position (no randomness needed). */
const bpOf = (i: number) => ({ systolic: 128 + ((i * 7) % 30), diastolic: 78 + ((i * 5) % 16) });

/**
 * Runs the demo rounds on `day` (YYYY-MM-DD, the data's last day); returns the plans taken and the
 * visits synced. `sources` are the chronic registry's functions (the server passes them, as for the routes).
 */
export async function seedDemoRounds(store: FhirStore, sources: RoundSources, day: string): Promise<{ plans: number; visits: number }> {
  const townships = (await facilitiesOfType(store, 'township-centre')).filter((t) => t.orgUnit).slice(0, TEAMS);
  const start = Date.parse(`${day}T01:00:00Z`); // 09:00 in UTC+8
  let clock = new Date(start);
  const principal: Principal = { kind: 'user', id: 'system', name: 'system:demo-rounds', grants: [{ role: 'family-doctor', orgUnit: null, careTeam: null }], breakGlass: [] };
  const access = { contextOf: (p: Principal) => ({ actor: p.name }), authorizeAggregate: async () => undefined };
  const rounds = new RoundsService(store, access, sources, () => clock);
  let plans = 0;
  let visits = 0;
  for (const township of townships) {
    const plan = await rounds.plan(principal, { team: township.orgUnit as string, date: day });
    plans++;
    const due = plan.villages.flatMap((v) => v.residents).filter((r) => r.conditions.length > 0).slice(0, VISITS_PER_TEAM);
    if (due.length === 0) continue;
    const records = due.map((r, i) => ({
      clientId: randomUUID(),
      recordedAt: new Date(start + (i + 1) * 20 * MINUTE).toISOString(),
      patient: r.resident,
      followUp: { date: day, conditions: r.conditions, bp: bpOf(i + visits) },
    }));
    // The device syncs in the afternoon, back in range.
    clock = new Date(start + 8 * 60 * MINUTE);
    const synced = await rounds.sync(principal, { records });
    visits += synced.counts.created;
  }
  return { plans, visits };
}
