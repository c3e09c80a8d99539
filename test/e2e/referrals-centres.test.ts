/**
 * Two-way referral and specialised-disease centre pages end to end (issue 10): the built app on the
 * real server over the seeded demo district (its referrals, centre enrolments and pathway times),
 * in Debian's Chromium.
 *
 * A village doctor refers a patient up to the district hospital through the form and is offered only
 * "cancel" (the sender's move); a hospital specialist finds it in the inbox, accepts it and sees the
 * state, history and next moves change (scheduling offered, "seen" and "close" not); a page left open
 * on the old state gets the server's 409 text when it tries to reject; the doctor sees it accepted in
 * the outbox. The stroke centre's dashboard shows the API's patients managed and registry total and
 * draws the pathway chart; the bureau sees the same aggregates and no registry. Screenshots: docs/screenshots/referrals.png, referral.png and centre.png.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newAppPage, openAs, SCREENSHOTS, startServer, type E2eServer } from './harness.js';

const PASSWORD = 'Hb-E2e-Passw0rd-2026!';
const FACILITY_TYPE = 'https://healthy-brain.org/fhir/CodeSystem/facility-type';

let server: E2eServer;
let browser: Browser;
let hasAuth = false;
const report: string[] = [];
/** The district hospital (its org unit is the district's), a village clinic, its village and a resident there. */
const ctx = { district: '', hospital: '', clinic: '', village: '', patient: '', referral: '' };

async function login(username: string): Promise<Record<string, string>> {
  if (!hasAuth) return {};
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  return { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
}

async function apiGet(path: string, headers: Record<string, string>): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const newPage = () => newAppPage(browser, report);
const open = (page: Page, path: string, username: string) => openAs(page, server.url, path, username, PASSWORD, hasAuth);

/** The state shown in the referral page's heading. */
const headingState = (page: Page) => page.locator('h1 [data-testid="referral-state"]').getAttribute('data-state');
/** The moves offered, read once the referral has loaded (the workflow panel renders with them). */
const moves = async (page: Page) => {
  await page.getByTestId('referral-workflow').waitFor();
  const ids = await page.locator('[data-testid^="referral-move-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  return ids.map((s) => String(s).replace('referral-move-', ''));
};

beforeAll(async () => {
  server = await startServer();
  const db = server.database.db;
  const orgs = await sql<{ id: string; type: string; org_unit: string }>`
    SELECT id, t.code AS type, (SELECT x->>'valueCode' FROM jsonb_array_elements(content->'extension') x WHERE x->>'url' LIKE '%org-unit' LIMIT 1) AS org_unit
    FROM fhir_resource r JOIN sp_token t ON t.resource_type = 'Organization' AND t.resource_id = r.id AND t.param = 'type' AND t.system = ${FACILITY_TYPE}
    WHERE r.resource_type = 'Organization' AND r.deleted = false ORDER BY r.id`.execute(db);
  const hospital = orgs.rows.find((o) => o.type === 'district-hospital');
  const clinics = new Map(orgs.rows.filter((o) => o.type === 'village-clinic').map((o) => [o.org_unit, o.id]));
  const patients = await sql<{ id: string; org_unit: string }>`
    SELECT id, org_unit FROM fhir_resource WHERE resource_type = 'Patient' AND deleted = false AND org_unit = ANY(${[...clinics.keys()]}::text[])
      AND NOT (content ? 'deceasedDateTime') ORDER BY org_unit, id LIMIT 1`.execute(db);
  Object.assign(ctx, { district: hospital?.org_unit ?? '', hospital: hospital?.id ?? '', village: patients.rows[0]?.org_unit ?? '', patient: patients.rows[0]?.id ?? '' });
  ctx.clinic = clinics.get(ctx.village) ?? '';
  const access = (server.app as unknown as { access?: { createUser(u: { username: string; password: string; role: string; orgUnit: string | null }): Promise<unknown> } }).access;
  hasAuth = !!access;
  if (access) {
    // The hospital's staff: its org unit is the district's (the simulator's hospital serves the district).
    await access.createUser({ username: 'e2e-specialist', password: PASSWORD, role: 'specialist', orgUnit: ctx.district });
    await access.createUser({ username: 'e2e-vd', password: PASSWORD, role: 'village-doctor', orgUnit: ctx.village });
    await access.createUser({ username: 'e2e-bureau', password: PASSWORD, role: 'district-admin', orgUnit: ctx.district });
  }
  browser = await launchBrowser();
  report.push(`web build ${server.seconds.build.toFixed(1)} s, seed ${server.seconds.seed.toFixed(1)} s, district ${ctx.district}, village ${ctx.village}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('two-way referral pages', () => {
  it('a village doctor refers up through the form and may only cancel it', async () => {
    expect(ctx.hospital && ctx.clinic && ctx.patient, 'a hospital, a village clinic and a resident of its village').toBeTruthy();
    const page = await newPage();
    await open(page, '/referrals', 'e2e-vd');
    await page.getByTestId('referral-new-toggle').click();
    await page.getByTestId('ref-new-patient').fill(ctx.patient);
    await expect.poll(() => page.getByTestId('ref-new-requester').inputValue()).toBe(ctx.clinic);
    await page.getByTestId('ref-new-performer').selectOption(ctx.hospital);
    await page.getByTestId('ref-new-priority').selectOption('urgent');
    await page.getByTestId('ref-new-code').fill('I63.9');
    await page.getByTestId('ref-new-reason').fill('right-sided weakness since 07:00');
    await page.getByTestId('ref-new-submit').click();
    await page.waitForURL(/\/referrals\/[^/]+$/);
    ctx.referral = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(await headingState(page)).toBe('requested');
    // The sender's only move on a requested referral is to cancel it; accepting is the hospital's.
    expect(await moves(page)).toEqual(['cancelled']);
    const server1 = await apiGet(`/api/referrals/${ctx.referral}`, await login('e2e-vd'));
    expect(server1).toMatchObject({ status: 'requested', direction: 'up', priority: 'urgent', requester: { id: ctx.clinic }, performer: { id: ctx.hospital }, sides: ['sender'] });
    await page.close();
  });

  it('the hospital accepts it from the inbox; a stale page gets the 409 text; the sender sees it accepted in the outbox', async () => {
    const auth = await login('e2e-specialist');
    const page = await newPage();
    await open(page, '/referrals?status=requested', 'e2e-specialist');
    const inbox = await apiGet('/api/referrals/inbox?status=requested&_count=25', auth);
    await expect.poll(() => page.getByTestId('referral-row').count()).toBe(inbox.rows.length);
    await expect.poll(() => page.getByTestId('referrals-total').textContent()).toContain(String(inbox.total));
    const row = page.locator(`[data-testid="referral-row"][data-referral="${ctx.referral}"]`);
    await expect.poll(() => row.getByTestId('referral-sla').getAttribute('data-sla')).toBe('open');
    await page.screenshot({ path: `${SCREENSHOTS}/referrals.png`, fullPage: true });
    // A second tab opened now keeps the requested state.
    const stale = await newPage();
    await open(stale, `/referrals/${ctx.referral}`, 'e2e-specialist');
    await stale.getByTestId('referral-move-rejected').waitFor();

    await row.getByTestId('referral-link').click();
    await page.waitForURL(new RegExp(`/referrals/${ctx.referral}$`));
    const before = await moves(page);
    expect(before).toContain('accepted');
    expect(before).toContain('rejected');
    for (const never of ['scheduled', 'seen', 'returned', 'closed']) expect(before).not.toContain(never);
    await page.getByTestId('referral-note').fill('stroke team informed');
    await page.getByTestId('referral-move-accepted').click();
    await page.getByTestId('referral-moved').waitFor();
    expect(await headingState(page)).toBe('accepted');
    const after = await moves(page);
    expect(after).toContain('scheduled');
    for (const never of ['accepted', 'rejected', 'seen', 'closed']) expect(after).not.toContain(never);
    const last = page.getByTestId('referral-event').last();
    await expect.poll(() => last.getAttribute('data-to')).toBe('accepted');
    await expect.poll(() => last.textContent()).toContain('e2e-specialist');
    await expect.poll(() => last.textContent()).toContain('stroke team informed');
    expect((await apiGet(`/api/referrals/${ctx.referral}`, auth)).status).toBe('accepted');
    await page.screenshot({ path: `${SCREENSHOTS}/referral.png`, fullPage: true });

    // The stale tab still offers "reject": the server refuses (409) and the page says why.
    await stale.getByTestId('referral-move-rejected').click();
    await expect.poll(() => stale.getByTestId('referral-error').textContent()).toContain('409');
    await expect.poll(() => stale.getByTestId('referral-error').textContent()).toContain('cannot become rejected');
    await expect.poll(() => headingState(stale)).toBe('accepted');
    expect((await apiGet(`/api/referrals/${ctx.referral}`, auth)).status).toBe('accepted');
    await stale.close();
    await page.close();

    const doctor = await newPage();
    await open(doctor, '/referrals?box=outbox', 'e2e-vd');
    const sent = doctor.locator(`[data-testid="referral-row"][data-referral="${ctx.referral}"]`);
    await expect.poll(() => sent.getAttribute('data-status')).toBe('accepted');
    await expect.poll(async () => (await sent.getByTestId('referral-state').textContent())?.trim()).toBe('已接收');
    await doctor.close();
    expect(report.filter((r) => r.startsWith('page error'))).toEqual([]);
  });
});

describe('specialised-disease centre pages', () => {
  it('the stroke centre shows the API’s patients managed and registry total and draws the pathway chart', async () => {
    const auth = await login('e2e-specialist');
    const page = await newPage();
    await open(page, '/centres', 'e2e-specialist');
    await expect.poll(() => page.getByTestId('centre-row').count()).toBe(5);
    const month = (await apiGet(`/api/indicators/cockpit/latest-month?orgUnit=${ctx.district}`, auth)).month as string;
    const [y, m] = month.split('-').map(Number);
    const to = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const from = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10);
    const api = await apiGet(`/api/indicators/centres?orgUnit=${ctx.district}&from=${from}&to=${to > new Date().toISOString().slice(0, 10) ? new Date().toISOString().slice(0, 10) : to}`, auth);
    const stroke = api.centres.find((c: { code: string }) => c.code === 'stroke');
    await expect.poll(async () => (await page.locator('[data-centre="stroke"] [data-testid="centre-managed"]').textContent())?.trim()).toBe(String(stroke.patientsManaged));

    await page.locator('[data-centre="stroke"] [data-testid="centre-link"]').click();
    await page.waitForURL(/\/centres\/stroke$/);
    await expect.poll(async () => (await page.getByTestId('centre-managed-count').textContent())?.trim()).toBe(String(stroke.patientsManaged));
    const registry = await apiGet('/api/centres/stroke/enrolments?_count=1', auth);
    expect(registry.total).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('registry-total').textContent()).toContain(String(registry.total));
    await expect.poll(() => page.getByTestId('registry-row').count()).toBe(Math.min(25, registry.total));
    await expect.poll(() => page.locator('[data-testid="pathway-chart"] canvas').count()).toBe(1);
    // One table row per month the API measured (the demo writes thrombolysis for ischaemic strokes).
    await expect.poll(() => page.getByTestId('pathway-month').count()).toBe(stroke.pathway.months.length);
    report.push(`stroke centre: ${stroke.patientsManaged} managed, registry ${registry.total}, ${stroke.pathway.months.reduce((s: number, x: { events: number }) => s + x.events, 0)} thrombolyses in ${stroke.pathway.months.length} months`);
    await page.screenshot({ path: `${SCREENSHOTS}/centre.png`, fullPage: true });
    await page.close();
    expect(report.filter((r) => r.startsWith('page error'))).toEqual([]);
  });

  it('the bureau sees the centre aggregates but not the registry', async () => {
    if (!hasAuth) return;
    const auth = await login('e2e-bureau');
    const page = await newPage();
    await open(page, '/centres/stroke', 'e2e-bureau');
    await page.getByTestId('registry-forbidden').waitFor();
    // Aggregates only: the same figure as the specialist's page, from the API the bureau may call.
    const managed = async () => (await page.getByTestId('centre-managed-count').textContent())?.trim();
    await expect.poll(managed).toMatch(/^\d+$/);
    const month = (await apiGet(`/api/indicators/cockpit/latest-month?orgUnit=${ctx.district}`, auth)).month as string;
    const [y, m] = month.split('-').map(Number);
    const to = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const api = await apiGet(`/api/indicators/centres?orgUnit=${ctx.district}&to=${to}`, auth);
    expect(await managed()).toBe(String(api.centres.find((c: { code: string }) => c.code === 'stroke').patientsManaged));
    expect((await fetch(`${server.url}/api/centres/stroke/enrolments`, { headers: auth })).status).toBe(403);
    await page.locator('[data-testid="pathway-chart"] canvas').waitFor();
    await page.close();
    expect(report.filter((r) => r.startsWith('page error'))).toEqual([]);
  });
});
