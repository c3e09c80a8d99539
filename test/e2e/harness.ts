/**
 * End-to-end harness: starts the real server over a copy of the small simulated district that
 * global-setup.ts seeded once per run (seedDemoDistrict also replays the daily detection run over its
 * last 60 days, so the CDC has signals) after building the web app (unless HB_E2E_SKIP_BUILD=1 and
 * web/dist exists), and launches Debian's Chromium through playwright-core (Playwright's own browser
 * download is not used).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { inject } from 'vitest';
import { buildApp, type App } from '../../src/server/index.js';
import { pgliteDatabase, type TestDatabase } from '../helpers/database.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = `${ROOT}docs/screenshots`;
export const CHROMIUM = process.env.HB_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Residents of the seeded district (more gives fuller screenshots; 300 keeps the run short). */
export const RESIDENTS = Number(process.env.HB_E2E_RESIDENTS ?? 300);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2eServer {
  url: string;
  app: App;
  database: TestDatabase;
  seconds: { build: number; seed: number };
  residents: number;
  stop(): Promise<void>;
}

/** Builds web/dist with the project's Vite config. */
export async function buildWeb(): Promise<void> {
  if (process.env.HB_E2E_SKIP_BUILD === '1' && existsSync(`${ROOT}web/dist/index.html`)) return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: `${ROOT}web/vite.config.ts`, mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * The real server over this file's own copy of the district that global-setup.ts built the web app
 * for and seeded once per run (an in-memory PGlite loaded from its tarball).
 */
export async function startServer(): Promise<E2eServer> {
  const district = inject('e2eDistrict');
  const database = await pgliteDatabase(new Blob([readFileSync(district.file)]));
  const app = await buildApp({ db: database.db, logLevel: 'silent' });
  const url = await app.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    database,
    seconds: { build: district.build, seed: district.seed },
    residents: RESIDENTS,
    stop: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** A page of the app in its default language (zh-CN); uncaught page errors go into `report`. */
export async function newAppPage(browser: Browser, report: string[], viewport = { width: 1280, height: 900 }, timeoutMs = 30_000): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  page.on('pageerror', (e) => report.push(`page error: ${e.message}`));
  page.setDefaultTimeout(timeoutMs);
  return page;
}

/**
 * Opens `path` (under `base`), signing in as `username` on the login page the app redirects to when
 * access control is on (`auth`), then back to `path` if the app went elsewhere.
 */
export async function openAs(page: Page, base: string, path: string, username: string, password: string, auth: boolean): Promise<void> {
  await page.goto(`${base}${path}`);
  if (!auth) return;
  await page.waitForURL(/\/login/).catch((e: Error) => {
    throw new Error(`${e.message} (page at ${page.url()})`);
  });
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /^(登录|Log in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  if (!new URL(page.url()).pathname.startsWith(path.split('?')[0])) await page.goto(`${base}${path}`);
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** GET a FHIR search and return the Bundle (JSON). */
export async function fhirGet(base: string, path: string, headers?: Record<string, string>): Promise<any> {
  const res = await fetch(`${base}/fhir/${path}`, { headers: { accept: 'application/fhir+json', ...headers } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function fhirCount(base: string, path: string, headers?: Record<string, string>): Promise<number> {
  const b = await fhirGet(base, `${path}${path.includes('?') ? '&' : '?'}_summary=count`, headers);
  return b.total as number;
}
