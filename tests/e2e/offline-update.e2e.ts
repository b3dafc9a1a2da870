/**
 * Offline tabs (issue 16), a new build: when the server is updated to a new build, the next visit online brings the
 * new build's service worker (its text holds the build's version and files: server/offline-worker.ts), which keeps
 * the new files, takes over, deletes the old build's cache and keeps the page anew; offline, the page then reopens
 * with the new build's scripts and styles.
 *
 * A real new build, not an imitation (Playwright cannot intercept the worker script's update check): the test copies
 * Accord's sources (not its build) to a temporary directory and runs the server from there (it builds itself: server/build.ts), then
 * changes a style sheet of the copy, and starts the server again on the same port, which rebuilds: new file names,
 * new version, new worker. The database stays.
 */
import { appendFile, cp, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { launchBrowser, pageErrors } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

const repo = path.resolve(import.meta.dirname, "../..");
let copy: string;
let databaseUrl: string;
let server: ServerProcess | undefined;
let port = "0";
let browser: Browser;
let documentId: string;
const ann = { email: uniqueEmail("update-ann"), name: "Ann Update" };

/** What the server needs to build and run itself (not its build: the copy makes its own). */
const SERVER_FILES = ["app", "db", "server", "public", "package.json", "package-lock.json", "remix.config.js", "remix.env.d.ts", "tsconfig.json"];

/** Accord's sources in a new directory, with this checkout's node_modules. */
async function copyAccord(): Promise<string> {
  const target = await mkdtemp(path.join(tmpdir(), "accord-build-"));
  const built = path.join(repo, "public/build");
  for (const entry of SERVER_FILES) {
    await cp(path.join(repo, entry), path.join(target, entry), { recursive: true, filter: (source) => source !== built });
  }
  await symlink(path.join(repo, "node_modules"), path.join(target, "node_modules"));
  return target;
}

/** Starts the copy (building it first when its sources are newer than its build) on the same port as before. */
async function startCopy(): Promise<ServerProcess> {
  server = await startServerProcess(databaseUrl, { PORT: port }, 180_000, copy);
  port = new URL(server.url).port;
  return server;
}

async function stopServer(): Promise<void> {
  await server?.kill();
  server = undefined;
}

/** The version and files of the build the server's worker holds (the JSON before the worker's code). */
async function servedBuild(): Promise<{ version: string; assets: string[] }> {
  const source = await (await fetch(`${server!.url}/offline-worker.js`)).text();
  return JSON.parse(/^const OFFLINE_BUILD = (\{.*\});\n/.exec(source)![1]!) as { version: string; assets: string[] };
}

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server!.url + "/login");
  await page.getByLabel("E-mail").fill(ann.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  return page;
}

const documentUrl = () => `${server!.url}/documents/${documentId}`;

/** What this browser keeps: the asset caches' names, the build the kept page was kept with, and every kept file. */
function keptState(page: Page) {
  return page.evaluate(async (pathname) => {
    const names = await caches.keys();
    const assetCaches = names.filter((n) => n.startsWith("accord-offline-assets:")).sort();
    const pages = names.filter((n) => n.startsWith("accord-offline-pages:"));
    const kept = pages.length === 1 ? await (await caches.open(pages[0]!)).match(pathname) : undefined;
    const files: string[] = [];
    for (const name of assetCaches) for (const request of await (await caches.open(name)).keys()) files.push(new URL(request.url).pathname);
    const registration = await navigator.serviceWorker.getRegistration("/documents/");
    return {
      assetCaches,
      pageBuild: kept?.headers.get("Accord-Offline-Build") ?? null,
      files,
      controlled: navigator.serviceWorker.controller !== null,
      waiting: registration?.waiting != null || registration?.installing != null,
    };
  }, new URL(documentUrl()).pathname);
}

/** The style sheets the page links to. */
const styleSheets = (page: Page) => page.evaluate(() => [...document.querySelectorAll<HTMLLinkElement>("link[rel=stylesheet]")].map((l) => new URL(l.href).pathname).sort());

beforeAll(async () => {
  copy = await copyAccord();
  databaseUrl = await createE2eDatabase();
  await startCopy();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id as string;
  const user = await createUser({ email: ann.email, name: ann.name });
  await addMember(doc!.workshop_id as string, user.id, "editor");
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
  await closeDatabase();
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe("a new build's offline worker", () => {
  it("takes over at the next visit online, deletes the old build's files, keeps the page anew and reopens it offline with the new build", async () => {
    const context = await browser.newContext();
    const page = await signIn(context);
    await page.goto(documentUrl());
    await page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 20_000 });
    const first = await servedBuild();
    await expect
      .poll(() => keptState(page), { timeout: 20_000 })
      .toMatchObject({ assetCaches: [`accord-offline-assets:${first.version}`], pageBuild: first.version, controlled: true });
    const oldSheets = await styleSheets(page);
    expect(oldSheets.every((sheet) => first.assets.includes(sheet))).toBe(true);

    // The server is updated: a style sheet of the copy changes, and the server rebuilds as it starts.
    await stopServer();
    await appendFile(path.join(copy, "app/styles/app.css"), "\n/* a new build */\n.offline-update-e2e { order: 2; }\n");
    await startCopy();
    const second = await servedBuild();
    expect(second.version).not.toBe(first.version);
    const newSheets = second.assets.filter((a) => a.endsWith(".css"));
    expect(newSheets.some((sheet) => !first.assets.includes(sheet))).toBe(true);

    // The next visit online brings the new worker: it keeps the new files, takes over, drops the old ones.
    await page.reload();
    await page.locator("[data-testid=save-status][data-state=saved]").waitFor({ timeout: 20_000 });
    await expect
      .poll(() => keptState(page), { timeout: 30_000 })
      .toMatchObject({ assetCaches: [`accord-offline-assets:${second.version}`], pageBuild: second.version, controlled: true, waiting: false });
    const { files } = await keptState(page);
    expect(new Set(files)).toEqual(new Set(second.assets));
    expect(files.some((file) => oldSheets.includes(file) && !second.assets.includes(file))).toBe(false);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/documents/"))?.active?.state)).toBe("activated");

    // Offline, the page reopens from the new worker with the new build's files, and hydrates.
    await context.setOffline(true);
    await stopServer();
    try {
      await page.reload();
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true", undefined, { timeout: 20_000 });
      expect(await styleSheets(page)).toEqual(newSheets.slice().sort());
      await page.locator("[data-testid=save-status][data-state=offline]").waitFor({ timeout: 20_000 });
      expect(await readFile(path.join(copy, "app/styles/app.css"), "utf8")).toContain(".offline-update-e2e");
    } finally {
      await startCopy();
      await context.setOffline(false);
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);
});
