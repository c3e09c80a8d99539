/**
 * Mobile doctors' round plan with offline capture, end to end (issue 10): the built app on the real
 * server over a seeded district, in Debian's Chromium. A family doctor opens the plan of their
 * township, the browser goes offline, two visits are recorded (they wait in IndexedDB), the queue
 * survives a reload (the sync endpoint blocked), then the doctor syncs: the server has the two
 * follow-ups and the queue is empty; replaying the same records adds nothing; a record edited after
 * it synced (same client id, other payload) is shown rejected with its reason and stays queued.
 * Screenshot: docs/screenshots/rounds.png.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirCount, launchBrowser, openAs, SCREENSHOTS, startServer, type E2eServer } from './harness.js';

const PASSWORD = 'Hb-E2e-Passw0rd-2026!';
const today = new Date().toISOString().slice(0, 10);
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let server: E2eServer;
let browser: Browser;
let setupAuth: Record<string, string> = {};
let doctorAuth: Record<string, string> = {};
let town = '';
let residents: string[] = [];
const report: string[] = [];

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

/** The records waiting in the page's IndexedDB queue (read straight from the browser's store). */
function readQueue(page: Page): Promise<any[]> {
  return page.evaluate(
    () =>
      new Promise<any[]>((resolve, reject) => {
        const open = (globalThis as any).indexedDB.open('healthy-brain-rounds-queue');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('visits', 'readonly').objectStore('visits').getAll();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

function putQueued(page: Page, record: unknown): Promise<void> {
  return page.evaluate(
    (r) =>
      new Promise<void>((resolve, reject) => {
        const open = (globalThis as any).indexedDB.open('healthy-brain-rounds-queue');
        open.onsuccess = () => {
          const tx = open.result.transaction('visits', 'readwrite');
          tx.objectStore('visits').put(r, (r as { clientId: string }).clientId);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    record,
  );
}

const pending = async (page: Page) => Number(await page.getByTestId('rounds-pending').getAttribute('data-count'));
const visitsToday = (patient: string) => fhirCount(server.url, `Encounter?subject=Patient/${patient}&date=${today}`, setupAuth);

beforeAll(async () => {
  server = await startServer();
  // Two living hypertension residents of one village, in a town.
  const rows = await sql<{ resident_id: string; org_unit: string }>`
    SELECT reg.resident_id, reg.org_unit FROM chronic_registry reg
    WHERE reg.category = 'hypertension' AND reg.deceased IS NULL AND length(reg.org_unit) = 12
    ORDER BY reg.org_unit, reg.resident_id`.execute(server.database.db);
  const byVillage = new Map<string, string[]>();
  for (const r of rows.rows) byVillage.set(r.org_unit, [...(byVillage.get(r.org_unit) ?? []), r.resident_id]);
  const [village, ids] = [...byVillage.entries()].find(([, x]) => x.length >= 2) ?? ['', []];
  town = village.slice(0, 9);
  residents = ids.slice(0, 2);
  await server.app.access.createUser({ username: 'e2e-rounds-setup', password: PASSWORD, role: 'clinician', orgUnit: null });
  await server.app.access.createUser({ username: 'e2e-rounds-fd', password: PASSWORD, role: 'family-doctor', orgUnit: town });
  setupAuth = await login('e2e-rounds-setup');
  doctorAuth = await login('e2e-rounds-fd');
  // Today's round: one resident overdue (uncontrolled 100 days ago: due 14 days later), one due in two days.
  await apiCall('POST', '/api/chronic/follow-ups', { patient: residents[0], date: addDays(today, -100), bp: { systolic: 152, diastolic: 94 } });
  await apiCall('POST', '/api/chronic/follow-ups', { patient: residents[1], date: addDays(today, -89), bp: { systolic: 128, diastolic: 78 }, nextDate: addDays(today, 2) });
  browser = await launchBrowser();
  report.push(`web build ${server.seconds.build.toFixed(1)} s, seed ${server.seconds.seed.toFixed(1)} s, town ${town}, village ${village}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('mobile round plan with offline capture', () => {
  it('records two visits offline, keeps them across a reload, syncs them once, and shows a conflicting replay as rejected', async () => {
    expect(residents.length, 'a village with two hypertension residents').toBe(2);
    const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => report.push(`page error: ${e.message}`));
    page.setDefaultTimeout(30_000);
    const path = `/rounds?date=${today}&team=${town}`;
    await openAs(page, server.url, path, 'e2e-rounds-fd', PASSWORD, true);

    // The plan: both residents, the overdue one first in their village.
    await expect.poll(() => page.getByTestId(`resident-${residents[0]}`).count()).toBe(1);
    await expect.poll(() => page.getByTestId(`resident-${residents[1]}`).count()).toBe(1);
    const order = await page.locator('[data-testid^="resident-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(order.indexOf(`resident-${residents[0]}`)).toBeLessThan(order.indexOf(`resident-${residents[1]}`));
    expect(await pending(page)).toBe(0);
    const before = [await visitsToday(residents[0]), await visitsToday(residents[1])];

    // Offline: two visits go to the device's queue only.
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('rounds-online').textContent()).toMatch(/离线|Offline/);
    for (const [i, patient] of residents.entries()) {
      await page.getByTestId(`record-${patient}`).click();
      const form = page.getByTestId(`capture-${patient}`);
      await form.getByTestId('capture-sbp').fill(String(134 + i));
      await form.getByTestId('capture-dbp').fill('84');
      await form.getByTestId('capture-save').click();
      await expect.poll(() => pending(page)).toBe(i + 1);
    }
    const queued = await readQueue(page);
    expect(queued.map((q) => q.patient).sort()).toEqual([...residents].sort());
    expect(queued.every((q) => /^[0-9a-f-]{36}$/.test(q.clientId))).toBe(true);
    expect([await visitsToday(residents[0]), await visitsToday(residents[1])]).toEqual(before);

    // Back online but the sync endpoint unreachable: the automatic sync fails, nothing is lost, and the queue survives a reload.
    await page.route('**/api/care/rounds/sync', (route) => route.abort());
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('rounds-last-sync').textContent()).toMatch(/未到达|did not reach/);
    expect(await pending(page)).toBe(2);
    await page.reload();
    await expect.poll(() => pending(page)).toBe(2);
    await page.unroute('**/api/care/rounds/sync');

    // Sync: the server confirms both; the queue empties.
    await page.getByTestId('rounds-sync').click();
    await expect.poll(() => pending(page)).toBe(0);
    await expect.poll(() => page.getByTestId('rounds-last-sync').textContent()).toMatch(/2/);
    expect([await visitsToday(residents[0]), await visitsToday(residents[1])]).toEqual([before[0] + 1, before[1] + 1]);
    const registry = await apiCall('GET', `/api/chronic/registry/${residents[0]}`, undefined, doctorAuth);
    expect(registry.rows[0].lastFollowUp).toBe(today);

    // Replaying the same records (as the device would after a lost answer) adds nothing.
    const records = queued.map(({ clientId, recordedAt, patient, followUp }) => ({ clientId, recordedAt, patient, followUp }));
    const replay = await apiCall('POST', '/api/care/rounds/sync', { records }, doctorAuth);
    expect(replay.counts).toEqual({ created: 0, duplicate: 2, rejected: 0 });
    expect([await visitsToday(residents[0]), await visitsToday(residents[1])]).toEqual([before[0] + 1, before[1] + 1]);

    // A record changed after it synced (same client id, other payload) comes back rejected with its reason and stays on the device.
    await putQueued(page, { ...queued[0], followUp: { ...queued[0].followUp, bp: { systolic: 150, diastolic: 90 } } });
    await page.reload();
    await expect.poll(() => pending(page)).toBe(1);
    await page.getByTestId('rounds-sync').click();
    await expect.poll(() => page.getByTestId('rounds-rejected').count()).toBe(1);
    expect(await page.getByTestId('rounds-rejected').textContent()).toContain('409');
    expect(await pending(page)).toBe(1);
    expect((await readQueue(page))[0].rejected).toMatchObject({ httpStatus: 409, retry: false });
    expect([await visitsToday(residents[0]), await visitsToday(residents[1])]).toEqual([before[0] + 1, before[1] + 1]);
    await page.screenshot({ path: `${SCREENSHOTS}/rounds.png`, fullPage: false });
    await context.close();
  });
});
