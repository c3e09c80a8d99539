/**
 * "Log in as each role, see the right home" (issue 9), end to end: one account per role of
 * web/src/roles.ts ROLES, created through the server's AccessService (roles the server binds to an
 * org unit get a town, the others the district), logs in through the login page of the built app in
 * Debian's Chromium, lands on homePathFor(role), sees exactly the navigation entries
 * workspacesFor(role) gives, and its home page finishes loading without an error box or a page error.
 */
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_DEFINITIONS, type AccessService, type RoleName } from '../../src/foundation/access/index.js';
import { homePathFor, ROLES, WORKSPACES, workspacesFor } from '../../web/src/roles.js';
import { launchBrowser, newAppPage, openAs, startServer, type E2eServer } from './harness.js';

const PASSWORD = 'Hb-E2e-Passw0rd-2026!';

let server: E2eServer;
let browser: Browser;
const report: string[] = [];
/** The org unit each role's account is bound to. */
const grantOf = new Map<string, string>();

beforeAll(async () => {
  server = await startServer();
  const access = (server.app as unknown as { access: AccessService }).access;
  // The town of the first village with residents (as ensureDemoAccounts picks the demo doctor's).
  const row = await sql<{ unit: string | null }>`SELECT min(org_unit) AS unit FROM fhir_resource WHERE resource_type = 'Patient' AND org_unit IS NOT NULL`.execute(server.database.db);
  const village = row.rows[0]?.unit ?? '330109001001';
  const district = village.slice(0, 6);
  const town = village.slice(0, 9);
  for (const role of ROLES) {
    const orgUnit = ROLE_DEFINITIONS[role as RoleName].needsScope ? town : district;
    grantOf.set(role, orgUnit);
    await access.createUser({ username: `e2e-${role}`, password: PASSWORD, role, orgUnit });
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  process.stdout.write(`\n[e2e] ${report.join('\n[e2e] ')}\n`);
});

/** Signs in at the app's root; the app then goes to the user's home. */
const loginAt = (page: Page, username: string): Promise<void> => openAs(page, server.url, '/', username, PASSWORD, true);

describe('each role lands on its own home', () => {
  it('covers every role of the web app', () => {
    expect(ROLES.length).toBeGreaterThanOrEqual(9);
    // Every role the web app knows is a role the server grants (else createUser would have thrown).
    for (const role of ROLES) expect(Object.keys(ROLE_DEFINITIONS)).toContain(role);
  });

  for (const role of ROLES) {
    it(`${role}: home ${homePathFor([role])}, its navigation, no error`, async () => {
      const errors: string[] = [];
      const page = await newAppPage(browser, errors);
      await loginAt(page, `e2e-${role}`);
      const home = homePathFor([role]);
      await page.waitForURL((url) => url.pathname === home);
      await expect.poll(() => page.getByTestId('user').textContent()).toBe(`e2e-${role}`);

      // The navigation: exactly the workspaces of the role.
      const expected = workspacesFor([role]).map((w) => w.id);
      for (const w of WORKSPACES) expect(await page.getByTestId(`nav-${w.id}`).count(), `nav-${w.id} for ${role}`).toBe(expected.includes(w.id) ? 1 : 0);

      // The home page renders: a heading, every spinner gone, no error box, no uncaught error.
      await expect.poll(async () => ((await page.locator('h1').first().textContent()) ?? '').trim().length).toBeGreaterThan(0);
      await expect.poll(() => page.locator('.loading').count(), { timeout: 90_000 }).toBe(0);
      const boxes = await page.locator('.error-box').allTextContents();
      expect(boxes, `error boxes on ${home} for ${role}`).toEqual([]);
      expect(errors, `page errors on ${home} for ${role}`).toEqual([]);
      report.push(`${role} (${grantOf.get(role)}): ${home}, nav [${expected.join(', ')}]`);
      await page.close();
    });
  }
});
