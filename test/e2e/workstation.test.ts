/**
 * The family-doctor workstation and the pharmacist's dispensing page end to end (issue 9): the
 * built app on the real server over a seeded district, in Debian's Chromium.
 *
 * The simulated district ends in the past, so today every resident is "lost"; the test first makes
 * today's work through the APIs as a clinician (follow-ups with a planned next date this week, an
 * urgent reading, risk-intervention Tasks for the family-doctor team), then: the family doctor sees
 * the work list and the registry counts, gets the validation message for an implausible BP, records
 * a follow-up with a long prescription through the form and sees the list and the counts change,
 * completes a risk Task; a pharmacist finds the prescription among the refills due and dispenses it,
 * and the stock goes down. Screenshots: docs/screenshots/workstation.png and dispense.png.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newAppPage, openAs, SCREENSHOTS, startServer, type E2eServer } from './harness.js';

const PASSWORD = 'Hb-E2e-Passw0rd-2026!';
const INTERVENTION_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/risk-intervention';
const TEAM_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/family-doctor-team';

let server: E2eServer;
let browser: Browser;
let hasAuth = false;
let setupAuth: Record<string, string> = {};
const report: string[] = [];
const today = new Date().toISOString().slice(0, 10);
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Residents of one town: A = the follow-up through the form, others fill the lists; town = their 9-digit code. */
let town = '';
let residents: string[] = [];
const taskIds: string[] = [];
/** The prescription the doctor writes through the form. */
let prescriptionId = '';

async function apiCall(method: string, path: string, body?: unknown, headers: Record<string, string> = setupAuth): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': path.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function login(username: string): Promise<Record<string, string>> {
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  return { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
}

const newPage = (width = 1180): Promise<Page> => newAppPage(browser, report, { width, height: 900 });

/** Opens `path`, logging in as `username` when the server asks for it. */
const open = (page: Page, path: string, username: string): Promise<void> => openAs(page, server.url, path, username, PASSWORD, hasAuth);

const cell = async (page: Page, id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/[^\d]/g, ''));

beforeAll(async () => {
  server = await startServer();
  const access = (server.app as unknown as { access?: { createUser(u: { username: string; password: string; role: string; orgUnit: string | null }): Promise<unknown> } }).access;
  hasAuth = !!access;
  // Living hypertension residents of the first town that has enough of them.
  const rows = await sql<{ resident_id: string; org_unit: string }>`
    SELECT reg.resident_id, reg.org_unit FROM chronic_registry reg
    WHERE reg.category = 'hypertension' AND reg.deceased IS NULL AND reg.org_unit IS NOT NULL
    ORDER BY reg.org_unit, reg.resident_id`.execute(server.database.db);
  const byTown = new Map<string, string[]>();
  for (const r of rows.rows) byTown.set(r.org_unit.slice(0, 9), [...(byTown.get(r.org_unit.slice(0, 9)) ?? []), r.resident_id]);
  [town, residents] = [...byTown.entries()].find(([, ids]) => ids.length >= 8) ?? ['', []];
  if (access) {
    await access.createUser({ username: 'e2e-setup', password: PASSWORD, role: 'clinician', orgUnit: null });
    await access.createUser({ username: 'e2e-fd', password: PASSWORD, role: 'family-doctor', orgUnit: town });
    await access.createUser({ username: 'e2e-pharmacist', password: PASSWORD, role: 'pharmacist', orgUnit: town });
    setupAuth = await login('e2e-setup');
  }
  // Today's work: five follow-ups planned again this week, one urgent reading, three risk Tasks.
  for (let i = 0; i < 5; i++) {
    // The others get a long prescription too, so the pharmacist has refills due.
    const medicines = i === 0 ? undefined : [{ atc: ['C09CA01', 'C03AA03', 'C08CA05', 'C09AA02'][i - 1], daysSupply: 56, refills: 1, perDay: 1 }];
    await apiCall('POST', '/api/chronic/follow-ups', { patient: residents[i], date: today, bp: { systolic: 146 + i * 3, diastolic: 92 }, nextDate: addDays(today, 1 + i), medicines });
  }
  await apiCall('POST', '/api/chronic/follow-ups', { patient: residents[5], date: today, bp: { systolic: 186, diastolic: 112 } });
  for (const [i, code] of (['follow-up-2w', 'refill-call', 'statin-counselling'] as const).entries()) {
    const patient = await apiCall('GET', `/fhir/Patient/${residents[5 + i]}`);
    const team = patient.extension?.find((e: any) => e.url === TEAM_EXTENSION)?.valueReference;
    const task = await apiCall('POST', '/fhir/Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: i === 0 ? 'urgent' : 'routine',
      code: { coding: [{ system: INTERVENTION_SYSTEM, code }], text: code },
      description: 'e2e: intervention for the workstation test',
      for: { reference: `Patient/${residents[5 + i]}` },
      authoredOn: `${today}T08:00:00+08:00`,
      ...(team ? { owner: team } : {}),
      restriction: { period: { end: addDays(today, 14) } },
    });
    taskIds.push(task.id);
  }
  browser = await launchBrowser();
  report.push(`web build ${server.seconds.build.toFixed(1)} s, seed ${server.seconds.seed.toFixed(1)} s, town ${town}, access control: ${hasAuth ? 'on' : 'off'}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('family-doctor workstation', () => {
  it('shows the work list, refuses an implausible BP, records a follow-up and sees the list and counts change', async () => {
    expect(residents.length, 'a town with hypertension residents').toBeGreaterThanOrEqual(8);
    const doctor = hasAuth ? await login('e2e-fd') : {};
    const summary = async () => (await apiCall('GET', `/api/indicators/chronic/worklists?condition=hypertension&orgUnit=${town}`, undefined, doctor)).rows[0];
    const before = await summary();
    expect(before.dueThisWeek).toBeGreaterThanOrEqual(5);
    const target = residents[0];

    const page = await newPage();
    await open(page, '/', 'e2e-fd');
    await page.waitForURL(/\/workstation/);
    // The registry counts of the doctor's town and the due list with the planned follow-ups.
    await expect.poll(() => cell(page, 'sum-hypertension-dueThisWeek')).toBe(before.dueThisWeek);
    expect(await cell(page, 'sum-hypertension-urgent')).toBe(before.urgent);
    await page.locator(`[data-testid="worklist-row"][data-patient="${target}"]`).waitFor();
    const dueRows = await page.getByTestId('worklist-row').count();
    expect(dueRows).toBe((await apiCall('GET', '/api/chronic/worklists/due?_count=25', undefined, doctor)).rows.length);
    // Each row links to the patient 360 page.
    expect(await page.locator(`[data-patient="${target}"] [data-testid="worklist-patient-link"]`).getAttribute('href')).toBe(`/patients/${target}`);
    await page.getByTestId('tab-urgent').click();
    await page.locator(`[data-testid="worklist-row"][data-patient="${residents[5]}"]`).waitFor();
    await page.getByTestId('tab-due').click();

    // Open the form; an implausible BP is refused in the browser, next to the field, and nothing is written.
    await page.locator(`[data-testid="worklist-row"][data-patient="${target}"] [data-testid="worklist-follow-up"]`).click();
    const form = page.getByTestId('follow-up-form');
    await form.waitFor();
    await form.getByLabel(/收缩压/).fill('400');
    await form.getByLabel(/舒张压/).fill('90');
    await page.getByTestId('fu-submit').click();
    await expect.poll(() => page.getByTestId('fu-error-sbp').textContent()).toContain('60–300');
    expect(await form.getByLabel(/收缩压/).getAttribute('aria-invalid')).toBe('true');
    const unchanged = (await apiCall('GET', `/api/chronic/registry/${target}`, undefined, doctor)).rows[0];
    expect(unchanged.nextDue).toBe(addDays(today, 1));
    // Systolic not above diastolic.
    await form.getByLabel(/收缩压/).fill('88');
    await page.getByTestId('fu-submit').click();
    await expect.poll(() => page.getByTestId('fu-error-dbp').textContent()).toContain('收缩压应高于舒张压');

    // A controlled reading and a 12-week prescription (84 days, 2 refills: 28 days a fill).
    await form.getByLabel(/收缩压/).fill('132');
    await form.getByLabel(/舒张压/).fill('82');
    await form.getByLabel('药品').selectOption('C08CA01');
    const started = Date.now();
    await page.getByTestId('fu-submit').click();
    await page.getByTestId('follow-up-saved').waitFor();
    report.push(`follow-up saved and shown in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    expect(await page.getByTestId('follow-up-saved').textContent()).toContain('已控制');
    // The list and the counts follow (TanStack Query invalidation).
    await expect.poll(() => page.locator(`[data-testid="worklist-row"][data-patient="${target}"]`).count()).toBe(0);
    await expect.poll(() => cell(page, 'sum-hypertension-dueThisWeek')).toBe(before.dueThisWeek - 1);
    expect(await cell(page, 'sum-hypertension-controlled')).toBe(before.controlled + 1);
    const after = (await apiCall('GET', `/api/chronic/registry/${target}`, undefined, doctor)).rows[0];
    expect(after).toMatchObject({ status: 'controlled', lastFollowUp: today, nextDue: addDays(today, 91) });
    expect(after.lastReading).toMatchObject({ sbp: 132, dbp: 82 });
    const rx = await apiCall('GET', `/fhir/MedicationRequest?subject=Patient/${target}&status=active&_count=50`);
    const written = rx.entry.map((e: any) => e.resource).filter((r: any) => r.authoredOn === today);
    expect(written.map((r: any) => r.medicationCodeableConcept.coding[0].code)).toEqual(['C08CA01']);
    prescriptionId = written[0].id;
    expect((await summary()).dueThisWeek).toBe(before.dueThisWeek - 1);

    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENSHOTS}/workstation.png`, fullPage: true });

    // Tablet width: the page reflows without horizontal scrolling (wide tables scroll inside their box).
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.waitForTimeout(200);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(770);
    await page.close();
  });

  it('completes a risk Task with its outcome through the FHIR API', async () => {
    const page = await newPage();
    await open(page, '/workstation?list=tasks', 'e2e-fd');
    const id = taskIds[0];
    const row = page.locator(`[data-testid="task-row"][data-task="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('2 周内随访');
    await row.getByTestId('task-complete').click();
    await page.getByTestId('task-submit').click();
    await expect.poll(() => page.getByTestId('task-form').textContent()).toContain('请填写干预结果');
    await page.getByTestId('task-outcome').fill('已上门随访，调整用药');
    await page.getByTestId('task-submit').click();
    await page.getByTestId('task-done').waitFor();
    await expect.poll(() => row.count()).toBe(0);
    const task = await apiCall('GET', `/fhir/Task/${id}`);
    expect(task.status).toBe('completed');
    expect(task.output[0].valueString).toBe('已上门随访，调整用药');
    expect(Date.parse(task.executionPeriod.end)).toBeGreaterThan(Date.now() - 120_000);
    // The other open Tasks are still listed.
    expect(await page.locator(`[data-testid="task-row"][data-task="${taskIds[1]}"]`).count()).toBe(1);
    await page.close();
  });
});

describe('pharmacist dispensing', () => {
  it('finds the new prescription among the refills due, dispenses it and the stock goes down', async (ctx) => {
    if (!hasAuth || !prescriptionId) ctx.skip();
    const target = residents[0];
    const pharmacist = await login('e2e-pharmacist');
    const page = await newPage();
    await open(page, '/', 'e2e-pharmacist');
    await page.waitForURL(/\/dispense/);
    const select = page.getByTestId('dispense-facility');
    await expect.poll(async () => (await select.inputValue()).length).toBeGreaterThan(0);
    const facility = await select.inputValue();
    // The facility receives stock (as the township's supply would be booked).
    await apiCall('POST', '/api/chronic/stock', { facility, drug: 'C08CA01', quantity: 500, reason: 'receipt' }, pharmacist);
    await page.reload();
    await expect.poll(() => page.getByTestId('stock-C08CA01').textContent()).toBe('500');

    // The prescription the doctor wrote today is due now (nothing handed over yet).
    const refill = page.locator(`[data-testid="refill-row"][data-patient="${target}"]`).first();
    await refill.waitFor();
    await refill.getByRole('button').click();
    const prescription = page.locator(`[data-testid="prescription"][data-prescription="${prescriptionId}"]`);
    await prescription.waitFor();
    expect(await prescription.getByTestId('dispense-quantity').inputValue()).toBe('28');
    // More than the stock: the server's 409 names the quantity, shown beside it; nothing is written.
    await prescription.getByTestId('dispense-quantity').fill('600');
    await prescription.getByTestId('dispense-submit').click();
    await expect.poll(() => prescription.getByTestId('dispense-error-quantity').textContent()).toContain('not enough C08CA01 in stock');
    expect(await prescription.getByTestId('dispense-quantity').getAttribute('aria-invalid')).toBe('true');
    expect((await apiCall('GET', `/api/chronic/stock?facility=${facility}&drug=C08CA01`, undefined, pharmacist)).rows[0].quantity).toBe(500);
    await prescription.getByTestId('dispense-quantity').fill('28');
    await prescription.getByTestId('dispense-submit').click();
    await page.getByTestId('dispense-done').waitFor();
    expect(await page.getByTestId('dispense-done').textContent()).toContain('1/3');
    await expect.poll(() => page.getByTestId('stock-C08CA01').textContent()).toBe('472');
    const stock = await apiCall('GET', `/api/chronic/stock?facility=${facility}&drug=C08CA01`, undefined, pharmacist);
    expect(stock.rows[0].quantity).toBe(472);
    const dispenses = await apiCall('GET', `/fhir/MedicationDispense?subject=Patient/${target}&_count=50`, undefined, pharmacist);
    const mine = (dispenses.entry ?? []).filter((e: any) => e.resource.whenHandedOver === today);
    expect(mine).toHaveLength(1);
    expect(mine[0].resource.performer[0].actor.reference).toBe(`Organization/${facility}`);
    await expect.poll(() => prescription.textContent()).toContain('1/3');
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENSHOTS}/dispense.png`, fullPage: true });
    await page.close();
  });
});
