/**
 * Village-clinic visit capture and the teleconsultation inbox end to end (issue 10): the built app
 * on the real server over the seeded demo district, in Debian's Chromium.
 *
 * A village doctor records a visit with an implausible BP and gets the server's 400 text naming the
 * field (nothing recorded); corrects it and asks the township doctor, with a photo attached; the
 * township doctor finds the question in the inbox, opens it, answers, and sees the turnaround; the
 * village doctor sees the answer in the outbox. Screenshots: docs/screenshots/visit.png, teleconsult.png.
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
const ctx = { township: '', town: '', clinic: '', village: '', patient: '', teleconsult: '' };

const newPage = () => newAppPage(browser, report, { width: 1280, height: 1000 });
const open = (page: Page, path: string, username: string) => openAs(page, server.url, path, username, PASSWORD, hasAuth);

const encounters = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM fhir_resource WHERE resource_type = 'Encounter' AND resident_id IS NOT NULL AND content->'subject'->>'reference' = ${`Patient/${ctx.patient}`}`.execute(server.database.db)).rows[0].n);

beforeAll(async () => {
  server = await startServer();
  const db = server.database.db;
  const orgs = await sql<{ id: string; type: string; org_unit: string }>`
    SELECT id, t.code AS type, (SELECT x->>'valueCode' FROM jsonb_array_elements(content->'extension') x WHERE x->>'url' LIKE '%org-unit' LIMIT 1) AS org_unit
    FROM fhir_resource r JOIN sp_token t ON t.resource_type = 'Organization' AND t.resource_id = r.id AND t.param = 'type' AND t.system = ${FACILITY_TYPE}
    WHERE r.resource_type = 'Organization' AND r.deleted = false ORDER BY r.id`.execute(db);
  const clinics = new Map(orgs.rows.filter((o) => o.type === 'village-clinic').map((o) => [o.org_unit, o.id]));
  const patients = await sql<{ id: string; org_unit: string }>`
    SELECT id, org_unit FROM fhir_resource WHERE resource_type = 'Patient' AND deleted = false AND org_unit = ANY(${[...clinics.keys()]}::text[])
      AND NOT (content ? 'deceasedDateTime') ORDER BY org_unit DESC, id LIMIT 1`.execute(db);
  ctx.village = patients.rows[0]?.org_unit ?? '';
  ctx.patient = patients.rows[0]?.id ?? '';
  ctx.clinic = clinics.get(ctx.village) ?? '';
  const township = orgs.rows.find((o) => o.type === 'township-centre' && ctx.village.startsWith(o.org_unit));
  ctx.township = township?.id ?? '';
  ctx.town = township?.org_unit ?? '';
  const access = (server.app as unknown as { access?: { createUser(u: { username: string; password: string; role: string; orgUnit: string | null }): Promise<unknown> } }).access;
  hasAuth = !!access;
  if (access) {
    await access.createUser({ username: 'e2e-visit-vd', password: PASSWORD, role: 'village-doctor', orgUnit: ctx.village });
    await access.createUser({ username: 'e2e-visit-township', password: PASSWORD, role: 'clinician', orgUnit: ctx.town });
  }
  browser = await launchBrowser();
  report.push(`web build ${server.seconds.build.toFixed(1)} s, seed ${server.seconds.seed.toFixed(1)} s, village ${ctx.village}, town ${ctx.town}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

describe('village visit and teleconsultation pages', () => {
  it('a bad BP is refused with the field named and nothing recorded; the corrected visit asks the township doctor', async () => {
    expect(ctx.clinic && ctx.patient && ctx.township, 'a village clinic, a resident of its village and its township centre').toBeTruthy();
    const page = await newPage();
    await open(page, `/visits?patient=${ctx.patient}`, 'e2e-visit-vd');
    await expect.poll(() => page.getByTestId('visit-clinic').inputValue()).toBe(ctx.clinic);
    expect(await page.getByTestId('visit-patient').inputValue()).toBe(ctx.patient);
    const before = await encounters();
    await page.getByTestId('visit-systolic').fill('300');
    await page.getByTestId('visit-diastolic').fill('20');
    await page.getByTestId('visit-diagnoses').fill('L27.0');
    await page.getByTestId('visit-save').click();
    await expect.poll(() => page.locator('.error-box, [role="alert"]').first().textContent()).toMatch(/bp\.diastolic/);
    expect(await encounters()).toBe(before);
    await page.getByTestId('visit-systolic').fill('150');
    await page.getByTestId('visit-diastolic').fill('95');
    await page.getByTestId('visit-temperature').fill('37.4');
    await page.getByTestId('visit-outcome-teleconsult').check();
    await page.getByTestId('visit-escalate-to').selectOption(ctx.township);
    await page.getByTestId('visit-question').fill('Generalised rash after amoxicillin: stop and give loratadine?');
    await page.getByTestId('visit-attachments').setInputFiles({ name: 'forearm.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('jpeg bytes for the test') });
    await page.getByTestId('visit-save').click();
    await page.getByTestId('visit-saved').waitFor();
    expect(await encounters()).toBe(before + 1);
    await page.screenshot({ path: `${SCREENSHOTS}/visit.png`, fullPage: true });
    const href = (await page.getByTestId('visit-saved').locator('a').getAttribute('href')) ?? '';
    ctx.teleconsult = new URLSearchParams(href.split('?')[1]).get('id') ?? '';
    expect(ctx.teleconsult).toBeTruthy();
    await page.close();
  });

  it('the township doctor answers from the inbox and sees the turnaround; the village doctor reads the answer', async () => {
    const page = await newPage();
    await open(page, '/teleconsult', 'e2e-visit-township');
    const row = page.locator(`[data-testid="tc-row"][data-teleconsult="${ctx.teleconsult}"]`);
    await row.waitFor();
    expect(await row.getByTestId('tc-state').getAttribute('data-state')).toBe('requested');
    await row.getByTestId('tc-open').click();
    await page.getByTestId('tc-detail').waitFor();
    expect(await page.getByTestId('tc-question').textContent()).toMatch(/amoxicillin/);
    expect(await page.getByTestId('tc-attachment').textContent()).toBe('forearm.jpg');
    await page.getByTestId('tc-reply-text').fill('Stop amoxicillin; loratadine 10 mg daily for 5 days.');
    await page.getByTestId('tc-action-answered').click();
    await expect.poll(() => page.getByTestId('tc-detail').getAttribute('data-status')).toBe('answered');
    expect(await page.getByTestId('tc-turnaround').textContent()).toMatch(/min/);
    expect(await page.locator('[data-testid^="tc-action-"]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/teleconsult.png`, fullPage: true });
    await page.close();
    const vd = await newPage();
    await open(vd, `/teleconsult?box=outbox&id=${ctx.teleconsult}`, 'e2e-visit-vd');
    await vd.getByTestId('tc-reply').waitFor();
    expect(await vd.getByTestId('tc-reply').textContent()).toMatch(/loratadine/);
    await vd.close();
    expect(report.filter((r) => r.startsWith('page error'))).toEqual([]);
  });
});
