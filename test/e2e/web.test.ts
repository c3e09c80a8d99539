/**
 * The web app end to end: the built app served by the real server over a seeded district, driven
 * in Debian's Chromium. Checks the cockpit against counts fetched from the API, the language
 * switch, drill-down, and the family-doctor workstation's patient search and 360 view; saves
 * screenshots to docs/screenshots/. Logs in through the login page when the server has accounts
 * (issue 8); on an open server it goes straight in.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../../src/server/index.js';
import { fhirCount, fhirGet, launchBrowser, newAppPage, openAs, SCREENSHOTS, startServer, type E2eServer } from './harness.js';

const PASSWORD = 'Hb-E2e-Passw0rd-2026!';
const CENTRE = 'https://healthy-brain.org/fhir/CodeSystem/facility-type';
const FACILITY = 'https://healthy-brain.org/fhir/sid/facility';

let server: E2eServer;
let browser: Browser;
/** Bearer token of a platform-wide account, when the server has accounts. */
let apiToken: string | undefined;
const withAuth = () => (apiToken ? { authorization: `Bearer ${apiToken}` } : undefined);
const report: string[] = [];

/** Creates the demo accounts of `npm start` and the e2e accounts on a server that has access control; returns whether it has. */
async function createAccounts(): Promise<boolean> {
  const access = (server.app as unknown as { access?: Parameters<typeof ensureDemoAccounts>[0] }).access;
  if (!access) return false;
  await ensureDemoAccounts(access, server.database.db);
  await access.createUser({ username: 'e2e-clinician', password: PASSWORD, role: 'clinician', orgUnit: null });
  await access.createUser({ username: 'e2e-doctor', password: PASSWORD, role: 'family-doctor', orgUnit: '330109' });
  await access.createUser({ username: 'e2e-admin', password: PASSWORD, role: 'district-admin', orgUnit: null });
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'e2e-clinician', password: PASSWORD }) });
  apiToken = ((await res.json()) as { access_token: string }).access_token;
  return true;
}

let hasAuth = false;

// A large district (HB_E2E_RESIDENTS) makes the browser-side indicators slow: give them time.
const newPage = (): Promise<Page> => newAppPage(browser, report, { width: 1440, height: 900 }, server.residents > 1000 ? 300_000 : 30_000);

/** Opens `path`; logs in as `username` first when the server asks for it. */
const open = (page: Page, path: string, username: string, password = PASSWORD): Promise<void> => openAs(page, server.url, path, username, password, hasAuth);

async function statValue(page: Page, id: string): Promise<number> {
  const el = page.getByTestId(`stat-${id}-value`);
  await expect.poll(async () => /\d/.test((await el.textContent()) ?? ''), { timeout: server.residents > 1000 ? 300_000 : 60_000 }).toBe(true);
  return Number(((await el.textContent()) ?? '').replace(/[^\d]/g, ''));
}

/** Residents as the cockpit defines them: living primary records kept by the township centres. */
async function residentsOf(townCode?: string): Promise<number> {
  const orgs = await fhirGet(server.url, `Organization?identifier=${encodeURIComponent(`${FACILITY}|`)}&_count=1000`, withAuth());
  const centres = (orgs.entry ?? [])
    .map((e: any) => e.resource)
    .filter((o: any) => o.type?.some((t: any) => t.coding?.some((c: any) => c.system === CENTRE && c.code === 'township-centre')))
    .filter((o: any) => !townCode || o.identifier?.some((i: any) => i.value.startsWith(`${townCode}T`)));
  return fhirCount(server.url, `Patient?organization=${centres.map((o: any) => `Organization/${o.id}`).join(',')}&deceased=false`, withAuth());
}

/** The cockpit's as-of date: the last day of the month it shows ("数据截至 2024-12"). */
async function asOfShown(page: Page): Promise<string> {
  const month = /(\d{4})-(\d{2})/.exec((await page.getByTestId('as-of').textContent()) ?? '');
  if (!month) throw new Error('no as-of month on the cockpit');
  const end = new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  return end < today ? end : today;
}

/** Registered hypertension patients of the district: the server's indicator (issue 6), else a FHIR count. */
async function registeredHypertension(asOf: string): Promise<number> {
  const res = await fetch(`${server.url}/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${asOf}`, { headers: withAuth() });
  if (res.status === 404) return fhirCount(server.url, `Condition?code=${encodeURIComponent('http://hl7.org/fhir/sid/icd-10|I10')}&category=problem-list-item&clinical-status=active`, withAuth());
  const body = (await res.json()) as { rows: { registered: number }[] };
  return body.rows[0].registered;
}

beforeAll(async () => {
  server = await startServer();
  hasAuth = await createAccounts();
  browser = await launchBrowser();
  report.push(`web build ${server.seconds.build.toFixed(1)} s, seed ${server.seconds.seed.toFixed(1)} s, access control: ${hasAuth ? 'on' : 'off'}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('web app', () => {
  it('serves the app for client-side routes and keeps API 404s', async () => {
    const html = await fetch(`${server.url}/cockpit/330109`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    const api = await fetch(`${server.url}/fhir/NoSuchType/1/2/3`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });

  it('cockpit shows the seeded district, drills down and switches language', async () => {
    const page = await newPage();
    const started = Date.now();
    await open(page, '/cockpit', 'e2e-clinician');
    const residents = await statValue(page, 'residents');
    await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
    report.push(`cockpit: first view ${((Date.now() - started) / 1000).toFixed(2)} s after navigation (${hasAuth ? 'including login' : 'no login'})`);
    expect(residents).toBeGreaterThan(0);
    expect(residents).toBe(await residentsOf());
    const hypertension = await statValue(page, 'hypertension');
    expect(hypertension).toBe(await registeredHypertension(await asOfShown(page)));
    expect(hypertension).toBeGreaterThan(0);
    await expect.poll(async () => /\d/.test((await page.getByTestId('stat-bp-control-value').textContent()) ?? ''), { timeout: server.residents > 1000 ? 300_000 : 60_000 }).toBe(true);

    // Load time of the cockpit itself (logged in, fresh page load, empty data cache).
    const reloaded = Date.now();
    await page.reload();
    await statValue(page, 'residents');
    await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
    const headlineSeconds = (Date.now() - reloaded) / 1000;
    await page.getByTestId('unit-tiles').locator('.tile-value', { hasText: /\d/ }).first().waitFor();
    await page.getByTestId('disease-chart').locator('canvas').first().waitFor();
    await expect.poll(async () => /\d/.test((await page.getByTestId('stat-bp-control-value').textContent()) ?? ''), { timeout: server.residents > 1000 ? 300_000 : 60_000 }).toBe(true);
    report.push(`cockpit load (${server.residents} residents): headline + trend ${headlineSeconds.toFixed(2)} s, everything incl. tiles and BP control ${((Date.now() - reloaded) / 1000).toFixed(2)} s`);

    // Language: zh-CN by default, English after switching, kept after a reload.
    await expect.poll(() => page.locator('h1').textContent()).toContain('健康驾驶舱');
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Health cockpit');
    expect(await page.getByTestId('stat-residents').locator('h3').textContent()).toBe('Registered residents');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 30_000 }).toContain('Health cockpit');
    await page.getByTestId('disease-chart').locator('canvas').first().waitFor();
    await page.waitForTimeout(800); // let ECharts finish its entry animation
    await page.screenshot({ path: `${SCREENSHOTS}/cockpit-en.png`, fullPage: true });
    await page.getByTestId('language-switch').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toContain('健康驾驶舱');
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/cockpit.png`, fullPage: true });

    // Drill down: district → first town, whose residents match the API.
    const tile = page.locator('[data-testid^="unit-tile-"]').first();
    const code = ((await tile.getAttribute('data-testid')) ?? '').replace('unit-tile-', '');
    await tile.click();
    await page.waitForURL(new RegExp(`/cockpit/${code}$`));
    await expect.poll(() => page.locator('h1').textContent()).toContain(code);
    expect(await statValue(page, 'residents')).toBe(await residentsOf(code));
    await page.close();
  });

  it('family-doctor workstation finds a patient and shows the 360 view', async () => {
    // A hypertension patient with BP readings, from the API.
    const conditions = await fhirGet(server.url, `Condition?code=${encodeURIComponent('http://hl7.org/fhir/sid/icd-10|I10')}&category=problem-list-item&_count=50`, withAuth());
    let patient: any;
    for (const e of conditions.entry ?? []) {
      const id = e.resource.subject.reference.split('/')[1];
      if ((await fhirCount(server.url, `Observation?subject=Patient/${id}&code=${encodeURIComponent('http://loinc.org|85354-9')}`, withAuth())) >= 2) {
        patient = await fhirGet(server.url, `Patient/${id}`, withAuth());
        break;
      }
    }
    expect(patient, 'a hypertension patient with BP readings').toBeDefined();
    const name = patient.name.find((n: any) => n.use === 'official')?.text ?? patient.name[0].text;

    const page = await newPage();
    await open(page, '/workstation', 'e2e-doctor');
    await page.getByTestId('patient-search').fill(name);
    await page.getByRole('button', { name: /^(搜索|Search)$/ }).click();
    await page.locator(`a[href="/patients/${patient.id}"]`).click();
    await page.waitForURL(new RegExp(`/patients/${patient.id}$`));
    await expect.poll(() => page.locator('h1').textContent()).toContain(name);
    await page.getByTestId('vitals-chart').locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('conditions').textContent(), { timeout: 30_000 }).toContain('I10');
    await page.getByTestId('timeline').waitFor();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/patient.png`, fullPage: true });
    await page.close();
  });

  it('sends each role to its own home', async (ctx) => {
    if (!hasAuth) ctx.skip();
    const page = await newPage();
    await open(page, '/', 'e2e-admin');
    await page.waitForURL(/\/cockpit$/);
    expect(await page.getByTestId('nav-workstation').count()).toBe(0);
    // The bureau reads no patient records, but sees the aggregate indicators — the cockpit's counts too (GET /api/indicators/cockpit).
    expect(await statValue(page, 'hypertension')).toBe(await registeredHypertension(await asOfShown(page)));
    expect(await statValue(page, 'residents')).toBe(await residentsOf());
    const month = (await asOfShown(page)).slice(0, 7);
    expect(await statValue(page, 'encounters-month')).toBe(await fhirCount(server.url, `Encounter?date=${month}`, withAuth()));
    await page.close();
    const doctor = await newPage();
    await open(doctor, '/', 'e2e-doctor');
    await doctor.waitForURL(/\/workstation$/);
    await doctor.close();
  });
});

describe('CDC console', () => {
  const cdc = DEMO_ACCOUNTS.cdc;
  let cdcAuth: Record<string, string> | undefined;
  const apiGet = async (path: string): Promise<any> => {
    const res = await fetch(`${server.url}${path}`, { headers: cdcAuth });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  beforeAll(async () => {
    if (!hasAuth) return;
    const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: cdc.username, password: cdc.password }) });
    cdcAuth = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
  });

  it('lists the demo signals, moves one into investigation and shows its chart and case line list', async (ctx) => {
    if (!hasAuth) ctx.skip();
    // A new signal with cases behind it (the demo replays detection over its last 60 days).
    const { signals, total } = await apiGet('/api/surveillance/signals?status=new&_count=500');
    expect(total, 'the demo district has new signals').toBeGreaterThan(0);
    let target: { id: string; disease: string } | undefined;
    let lines: { visible: number; cases: { residentId: string }[] } | undefined;
    for (const s of signals) {
      lines = await apiGet(`/api/surveillance/signals/${s.id}/cases`);
      if (lines!.visible > 0) {
        target = s;
        break;
      }
    }
    expect(target, 'a new signal with readable cases').toBeDefined();
    const before = await apiGet('/api/surveillance/metrics');

    const page = await newPage();
    // The CDC's home is the console.
    await open(page, '/', cdc.username, cdc.password);
    await page.waitForURL(/\/cdc$/);
    await expect.poll(() => page.locator('h1').textContent()).toContain('疾控控制台');
    await expect.poll(() => page.getByTestId('stat-signals-new-value').textContent()).toBe(String(before.byStatus.new));
    await expect.poll(() => page.getByTestId('signal-row').count()).toBeGreaterThan(0);
    await page.getByTestId('unit-tiles').locator('.tile-value', { hasText: /\d/ }).first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/cdc-list.png`, fullPage: true });

    // Filter: new signals of the target's disease (kept in the URL).
    await page.getByTestId('filter-status').selectOption('new');
    await page.getByTestId('filter-disease').selectOption(target!.disease);
    await page.waitForURL(/status=new/);
    await expect.poll(async () => [...new Set(await page.getByTestId('signal-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))]).toEqual(['new']);
    // The metrics follow the filters (not the status one).
    const beforeDisease = await apiGet(`/api/surveillance/metrics?disease=${target!.disease}`);
    await expect.poll(() => page.getByTestId('stat-signals-new-value').textContent()).toBe(String(beforeDisease.byStatus.new));
    await page.locator(`[data-signal="${target!.id}"] [data-testid="signal-link"]`).click();
    await page.waitForURL(new RegExp(`/cdc/signals/${target!.id}\\?`));

    // The evidence chart and the line list the server returned.
    await page.getByTestId('evidence-chart').locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('case-line').count()).toBe(lines!.visible);
    const ids = await page.getByTestId('case-resident-id').allTextContents();
    expect(ids.map((x) => x.trim()).sort()).toEqual(lines!.cases.map((c) => c.residentId).sort());
    expect(await page.locator('h1 [data-testid="status-badge"]').getAttribute('data-status')).toBe('new');
    expect(await page.getByTestId('response-time').textContent()).toContain('尚未响应');

    // One workflow step: new → under investigation, with a note; who/when shown.
    await page.getByTestId('workflow-note').fill('电话核实，派员调查');
    await page.getByTestId('move-under-investigation').click();
    await page.getByTestId('workflow-done').waitFor();
    await expect.poll(() => page.locator('h1 [data-testid="status-badge"]').getAttribute('data-status')).toBe('under-investigation');
    await expect.poll(() => page.getByTestId('history-event').first().textContent()).toContain(cdc.username);
    expect(await page.getByTestId('history-event').first().textContent()).toContain('电话核实');
    expect(await page.getByTestId('response-time').textContent()).toMatch(/响应时间：[\d.]+ (分钟|小时|天)/);
    expect(await page.getByTestId('move-confirmed-outbreak').isVisible()).toBe(true);
    const after = await apiGet(`/api/surveillance/signals/${target!.id}`);
    expect(after.status).toBe('under-investigation');
    expect(after.events).toHaveLength(1);
    expect(after.events[0]).toMatchObject({ from: 'new', to: 'under-investigation', actor: cdc.username, note: '电话核实，派员调查' });
    // The line list read is audited on the server, one row per case shown.
    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE actor = ${cdc.username} AND detail = ${`signal ${target!.id} line list`}`.execute(server.database.db);
    expect(audited.rows[0].n).toBeGreaterThanOrEqual(lines!.visible);
    await page.waitForTimeout(800); // ECharts' entry animation
    await page.screenshot({ path: `${SCREENSHOTS}/cdc.png`, fullPage: true });

    // Back to the filtered list: the signal is gone from "new", and the metrics moved.
    await page.getByTestId('back-to-list').click();
    await page.waitForURL(/\/cdc\?.*status=new/);
    await expect.poll(() => page.locator(`[data-signal="${target!.id}"]`).count()).toBe(0);
    await page.getByTestId('filter-status').selectOption('under-investigation');
    await expect.poll(() => page.locator(`[data-signal="${target!.id}"]`).getAttribute('data-status')).toBe('under-investigation');
    await expect.poll(() => page.getByTestId('stat-signals-new-value').textContent()).toBe(String(beforeDisease.byStatus.new - 1));
    const metrics = await apiGet('/api/surveillance/metrics');
    expect(metrics.byStatus['under-investigation']).toBe(before.byStatus['under-investigation'] + 1);
    expect(metrics.responded).toBe(before.responded + 1);

    // The home page offers the console (no longer "coming soon").
    await page.goto(`${server.url}/home`);
    await page.locator('a.card-link[href="/cdc"]').waitFor();
    expect(await page.locator('.card-disabled').filter({ hasText: '疾控控制台' }).count()).toBe(0);
    await page.close();
  });
});
