/**
 * The data steward's MPI review queue and the cockpit's care headline tiles, end to end (issue 9):
 * the built app on the real server over the seeded demo district, in Debian's Chromium.
 *
 * The small e2e district (300 residents) leaves no pair in review: its ~22 duplicate registrations
 * are all linked automatically (the 5,000-resident `npm start` district leaves 9). So the test first
 * registers, through the FHIR API, two more registrations of seeded residents the way a registration
 * desk gets them wrong — one character of the given name mistyped, no resident ID, no phone — which
 * the matcher sends to review (strong weight, but no identifier and not the whole name agree:
 * docs/mpi.md "Business rules"). Then the demo data steward opens one pair, links it, sees it leave
 * the queue and undoes the merge; the district bureau sees the risk-intervention, referral and
 * centres' patients, overdue follow-ups and active outbreak signals headlines equal to what the APIs return. Screenshot: docs/screenshots/mpi-review.png.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../src/server/index.js';
import { launchBrowser, newAppPage, openAs, SCREENSHOTS, startServer, type E2eServer } from './harness.js';

const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';
const DISTRICT = '330109';
/** A platform-wide clinician: reads encounters, so the cockpit finds the simulated data's last month. */
const CLINICIAN = 'e2e-mpi-clinician';
const PASSWORD = 'Hb-E2e-Passw0rd-2026!';

let server: E2eServer;
let browser: Browser;
const auth: Record<string, Record<string, string>> = {};
const report: string[] = [];

async function apiCall(method: string, path: string, who: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...auth[who], ...(body === undefined ? {} : { 'content-type': path.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function login(username: string, password: string): Promise<void> {
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  auth[username] = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
}

const newPage = (): Promise<Page> => newAppPage(browser, report);

/** Opens `path` through the login page (this server always has access control). */
const open = (page: Page, path: string, username: string, password: string): Promise<void> => openAs(page, server.url, path, username, password, true);

const steward = DEMO_ACCOUNTS.steward;
const admin = DEMO_ACCOUNTS.admin;
/** The registrations the test adds, and the seeded residents they copy. */
const added: { id: string; original: Patient; name: string }[] = [];
let openBefore = 0;

/** A second registration of `p` with one given-name character mistyped, without resident ID and phone. */
function mistyped(p: Patient): Patient {
  const { id: _id, meta: _meta, identifier: _ids, telecom: _tel, ...rest } = p;
  const name = (p.name ?? []).map((n) => {
    if (n.use !== 'official' || !n.given?.[0]) return n;
    const given = n.given[0];
    const typo = given.slice(0, -1) + (given.endsWith('刚') ? '强' : '刚');
    return { ...n, given: [typo], text: `${n.family ?? ''}${typo}` };
  });
  return { ...rest, name } as Patient;
}

beforeAll(async () => {
  server = await startServer();
  const access = (server.app as unknown as { access: Parameters<typeof ensureDemoAccounts>[0] }).access;
  await ensureDemoAccounts(access, server.database.db);
  await access.createUser({ username: CLINICIAN, password: PASSWORD, role: 'clinician', orgUnit: null });
  await login(steward.username, steward.password);
  await login(admin.username, admin.password);
  await login(CLINICIAN, PASSWORD);
  browser = await launchBrowser();

  openBefore = (await apiCall('GET', '/mpi/reviews?status=open', steward.username)).total;
  report.push(`review queue after seeding ${server.residents} residents: ${openBefore} open pairs`);
  // Seeded primary records with a resident ID, a birth date and a two-character given name in characters.
  const bundle = await apiCall('GET', `/fhir/Patient?identifier=${encodeURIComponent(`${RESIDENT_ID_SYSTEM}|`)}&_count=100`, steward.username);
  const candidates = (bundle.entry ?? [])
    .map((e: { resource: Patient }) => e.resource)
    .filter((p: Patient) => p.birthDate && /^[\u4e00-\u9fff]{2}$/.test(p.name?.find((n) => n.use === 'official')?.given?.[0] ?? ''));
  for (const original of candidates.slice(0, 2)) {
    const created = await apiCall('POST', '/fhir/Patient', steward.username, mistyped(original));
    added.push({ id: created.id, original, name: created.name[0].text });
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('MPI review (data steward)', () => {
  it('lists the possible duplicates, links one pair, sees it leave the queue and undoes the merge', async () => {
    expect(added).toHaveLength(2);
    const queue = await apiCall('GET', '/mpi/reviews?status=open&_count=500', steward.username);
    expect(queue.total).toBe(openBefore + 2);
    const pairOf = (x: (typeof added)[number]) => queue.items.find((i: any) => [i.patientA, i.patientB].includes(x.id) && [i.patientA, i.patientB].includes(x.original.id));
    const pair = pairOf(added[0]);
    expect(pair, 'the mistyped registration is in review against its original').toBeDefined();
    expect(pairOf(added[1])).toBeDefined();
    const original = added[0].original;
    const originalName = original.name!.find((n) => n.use === 'official')!.text!;

    const page = await newPage();
    // The steward's home is the review queue.
    await open(page, '/', steward.username, steward.password);
    await page.waitForURL(/\/mpi$/);
    await expect.poll(() => page.locator('h1').textContent()).toContain('主索引审核');
    await expect.poll(() => page.getByTestId('mpi-pair-row').count()).toBe(Math.min(queue.total, 20));
    expect(await page.getByTestId('mpi-total').textContent()).toContain(String(queue.total));
    const row = page.locator(`[data-testid="mpi-pair-row"][data-review="${pair.id}"]`);
    await expect.poll(() => row.textContent()).toContain(originalName);
    expect(await row.textContent()).toContain(added[0].name);

    // The pair page: the two records side by side.
    await row.getByTestId('mpi-pair-link').click();
    await page.waitForURL(new RegExp(`/mpi/pairs/${pair.id}$`));
    const side = (id: string) => (pair.patientA === id ? 'a' : 'b');
    await expect.poll(() => page.getByTestId(`mpi-${side(original.id!)}-name`).textContent()).toBe(originalName);
    expect(await page.getByTestId(`mpi-${side(added[0].id)}-name`).textContent()).toBe(added[0].name);
    expect(await page.getByTestId('mpi-field-name').getAttribute('data-same')).toBe('false');
    expect(await page.getByTestId('mpi-field-birthDate').getAttribute('data-same')).toBe('true');
    expect(await page.getByTestId('mpi-field-residentId').getAttribute('data-same')).toBe('missing');
    expect(await page.getByTestId(`mpi-${side(original.id!)}-residentId`).textContent()).toBe(original.identifier!.find((i) => i.system === RESIDENT_ID_SYSTEM)!.value);
    expect(await page.getByTestId('stat-mpi-weight-value').textContent()).toBe(pair.weight.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
    expect(await page.getByTestId('mpi-pair-status').getAttribute('data-status')).toBe('open');
    await page.screenshot({ path: `${SCREENSHOTS}/mpi-review.png`, fullPage: true });

    // Link: the two persons are merged, the pair is confirmed.
    await page.getByTestId('mpi-link').click();
    await page.getByTestId('mpi-decided').waitFor();
    const mergedPerson = ((await page.getByTestId('mpi-merged-person').getAttribute('href')) ?? '').split('/').pop()!;
    expect([pair.personA, pair.personB]).toContain(mergedPerson);
    expect(await page.getByTestId('mpi-pair-status').getAttribute('data-status')).toBe('confirmed');
    const personOf = async (id: string) => (await apiCall('GET', `/mpi/patients/${id}/person`, steward.username)).person as string;
    expect(await personOf(added[0].id)).toBe(await personOf(original.id!));
    const confirmed = await apiCall('GET', '/mpi/reviews?status=confirmed', steward.username);
    expect(confirmed.items.find((i: any) => i.id === pair.id)?.decidedBy).toBe(steward.username);

    // Back in the queue the pair is gone, the other one stays.
    await page.getByTestId('back-to-queue').click();
    await page.waitForURL(/\/mpi$/);
    await expect.poll(() => page.getByTestId('mpi-total').textContent()).toContain(String(queue.total - 1));
    expect(await page.locator(`[data-testid="mpi-pair-row"][data-review="${pair.id}"]`).count()).toBe(0);
    expect(await page.locator(`[data-testid="mpi-pair-row"][data-review="${pairOf(added[1]).id}"]`).count()).toBe(1);
    expect((await apiCall('GET', '/mpi/reviews?status=open&_count=500', steward.username)).total).toBe(queue.total - 1);

    // Undo the merge from the merged person's page: the records are two persons again.
    await page.goto(`${server.url}/mpi/people/${mergedPerson}`);
    await expect.poll(() => page.getByTestId('mpi-person-state').getAttribute('data-state')).toBe('merged');
    await page.getByTestId('mpi-unmerge').click();
    await page.getByTestId('mpi-unmerged').waitFor();
    await expect.poll(() => page.getByTestId('mpi-person-state').getAttribute('data-state')).toBe('active');
    expect(await personOf(added[0].id)).not.toBe(await personOf(original.id!));
    await expect.poll(() => page.getByTestId('mpi-history-event').first().getAttribute('data-action')).toBe('unmerge');
    await page.close();
  });
});

describe('cockpit care headlines', () => {
  /** The headline value of tile `id` once loaded. */
  const value = async (page: Page, id: string) => {
    const el = page.getByTestId(`stat-${id}-value`);
    await expect.poll(async () => /\d/.test((await el.textContent()) ?? ''), { timeout: 60_000 }).toBe(true);
    return Number(((await el.textContent()) ?? '').replace(/[^\d]/g, ''));
  };
  /** The cockpit's as-of date: the last day of the month it shows, or today. */
  const asOf = async (page: Page) => {
    const month = /(\d{4})-(\d{2})/.exec((await page.getByTestId('as-of').textContent()) ?? '')!;
    const end = new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    return end < today ? end : today;
  };
  const risk = async (who: string, unit: string, to: string) => ((await apiCall('GET', `/api/indicators/risk?orgUnit=${unit}&to=${to}`, who)).rows[0]?.residentsWithIntervention ?? 0) as number;
  const referrals = async (who: string, unit: string, to: string) => (await apiCall('GET', `/api/indicators/referrals?orgUnit=${unit}&side=performer&to=${to}`, who)).overall.total as number;
  /** Patients managed by the centres: the API's top figure (a resident of two centres once), checked against its per-centre rows. */
  const centres = async (who: string, unit: string, to: string) => {
    const r = (await apiCall('GET', `/api/indicators/centres?orgUnit=${unit}&to=${to}`, who)) as { patientsManaged: number; centres: { patientsManaged: number }[] };
    const perCentre = r.centres.map((c) => c.patientsManaged);
    const sum = perCentre.reduce((a, b) => a + b, 0);
    expect(r.patientsManaged).toBeLessThanOrEqual(sum);
    expect(r.patientsManaged).toBeGreaterThanOrEqual(Math.max(0, ...perCentre));
    return { managed: r.patientsManaged, sum };
  };

  /** Overdue follow-ups: the hypertension and diabetes registries' `overdue` counts added (docs/web.md). */
  const overdue = async (who: string, unit: string, to: string) => {
    const of = async (condition: string) => ((await apiCall('GET', `/api/indicators/chronic/worklists?condition=${condition}&orgUnit=${unit}&by=self&asOf=${to}`, who)).rows[0]?.overdue ?? 0) as number;
    return (await of('hypertension')) + (await of('diabetes'));
  };
  /** Active outbreak signals: status new or under-investigation, period ending by the as-of date. */
  const activeSignals = async (who: string, unit: string, to: string) => {
    const m = (await apiCall('GET', `/api/surveillance/metrics?orgUnit=${unit}&to=${to}`, who)) as { byStatus: Record<string, number> };
    return (m.byStatus['new'] ?? 0) + (m.byStatus['under-investigation'] ?? 0);
  };

  it('shows residents given risk interventions, referrals and centre patients as the indicator APIs return them, per unit', async () => {
    const page = await newPage();
    await open(page, '/cockpit', CLINICIAN, PASSWORD);
    await value(page, 'residents');
    const to = await asOf(page);
    const districtRisk = await risk(CLINICIAN, DISTRICT, to);
    report.push(`risk interventions (district, 12 months to ${to}): ${districtRisk}; referrals received: ${await referrals(CLINICIAN, DISTRICT, to)}`);
    expect(districtRisk, 'the demo seeding runs the risk assessment').toBeGreaterThan(0);
    expect(await value(page, 'risk-interventions')).toBe(districtRisk);
    expect(await value(page, 'referrals')).toBe(await referrals(CLINICIAN, DISTRICT, to));
    const districtCentres = await centres(CLINICIAN, DISTRICT, to);
    report.push(`centres' patients (district, ${to}): ${districtCentres.managed} residents, ${districtCentres.sum} over the centres`);
    expect(districtCentres.managed, 'the demo seeding enrols residents in centres (enrolMatching)').toBeGreaterThan(0);
    expect(await value(page, 'centres')).toBe(districtCentres.managed);
    const districtOverdue = await overdue(CLINICIAN, DISTRICT, to);
    const districtSignals = await activeSignals(CLINICIAN, DISTRICT, to);
    report.push(`overdue follow-ups (district, ${to}): ${districtOverdue}; active signals (to ${to}): ${districtSignals}`);
    // Judged on the cockpit's as-of date (the data's last month), the registry has overdue follow-ups.
    expect(districtOverdue, 'overdue follow-ups on the as-of date').toBeGreaterThan(0);
    expect(districtSignals, 'the demo seeding replays detection, so some signals are open').toBeGreaterThan(0);
    expect(await value(page, 'overdue')).toBe(districtOverdue);
    expect(await value(page, 'active-signals')).toBe(districtSignals);

    // Drill down: colour the towns by risk interventions, then open the first town.
    const tile = page.locator('[data-testid^="unit-tile-"]').first();
    const code = ((await tile.getAttribute('data-testid')) ?? '').replace('unit-tile-', '');
    await page.getByTestId('tile-indicator').selectOption('riskInterventions');
    const townRisk = await risk(CLINICIAN, code, to);
    await expect.poll(async () => Number(((await tile.locator('.tile-value').textContent()) ?? '').replace(/[^\d]/g, '') || -1)).toBe(townRisk);
    await tile.click();
    await page.waitForURL(new RegExp(`/cockpit/${code}$`));
    await expect.poll(() => page.locator('h1').textContent()).toContain(code);
    expect(await value(page, 'risk-interventions')).toBe(townRisk);
    expect(await value(page, 'referrals')).toBe(await referrals(CLINICIAN, code, to));
    expect(await value(page, 'centres')).toBe((await centres(CLINICIAN, code, to)).managed);
    expect(await value(page, 'overdue')).toBe(await overdue(CLINICIAN, code, to));
    expect(await value(page, 'active-signals')).toBe(await activeSignals(CLINICIAN, code, to));
    await page.close();
  });

  it('shows the bureau the same figures as the API for its as-of date', async () => {
    const page = await newPage();
    await open(page, '/cockpit', admin.username, admin.password);
    const to = await asOf(page);
    const shown = await value(page, 'risk-interventions');
    expect(shown).toBe(await risk(admin.username, DISTRICT, to));
    expect(await value(page, 'referrals')).toBe(await referrals(admin.username, DISTRICT, to));
    expect(await value(page, 'centres')).toBe((await centres(admin.username, DISTRICT, to)).managed);
    expect(await value(page, 'overdue')).toBe(await overdue(admin.username, DISTRICT, to));
    const signals = await activeSignals(admin.username, DISTRICT, to);
    expect(await value(page, 'active-signals')).toBe(signals);
    report.push(`bureau cockpit (as of ${to}): risk interventions ${shown}`);
    await page.close();
  });
});
