/**
 * The second factor in Chromium: set it up from the account page (scan the QR code — here, read the key typed
 * beside it — and confirm a first code computed with @oslojs/otp), keep the recovery codes, then sign in again with
 * the password and a code. The set-up page and the code page pass axe.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { generateHOTP } from "@oslojs/otp";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { closeDatabase } from "../../db/client";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import type { UserRow } from "../../db/users";

let server: ServerProcess;
let browser: Browser;
let person: UserRow;

beforeAll(async () => {
  server = await startServerProcess(await createE2eDatabase());
  person = await createUser({ name: "Tove Totp" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

/** The code an app shows `offset` steps from now (waiting out a step's last 1.5 s). */
async function codeAt(key: Uint8Array, offset = 0): Promise<string> {
  while (Date.now() % 30_000 > 28_500) await new Promise((r) => setTimeout(r, 250));
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + offset), 6);
}

describe("a second factor in the browser", () => {
  it("is set up with a first code, and then signing in asks for a code after the password", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-mail").fill(person.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    await page.goto(`${server.url}/account`);
    await page.getByRole("link", { name: "Set up a second factor" }).click();
    await page.getByRole("button", { name: "Set up a second factor" }).click();
    await page.getByRole("img", { name: /QR code/ }).locator("svg").waitFor();
    await expectNoAxeViolations(page);
    const key = decodeBase32IgnorePadding(((await page.locator("code.typed-key").textContent()) ?? "").replace(/\s/g, ""));
    await page.getByLabel("Code from your app").fill(await codeAt(key, -1));
    await page.getByRole("button", { name: "Turn on the second factor" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    expect(await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count()).toBe(10);
    await context.close();

    const again = await browser.newContext();
    const tab = await again.newPage();
    await tab.goto(`${server.url}/login`);
    await tab.getByLabel("E-mail").fill(person.email);
    await tab.getByLabel("Password").fill(TEST_PASSWORD);
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.waitForURL((u) => u.pathname === "/login/second-factor");
    await expectNoAxeViolations(tab);
    await tab.getByLabel("Code").fill("000000" === (await codeAt(key)) ? "111111" : "000000");
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.getByRole("alert").filter({ hasText: "That code is not right" }).waitFor();
    await tab.getByLabel("Code").fill(await codeAt(key));
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.waitForURL((u) => u.pathname === "/workshops");
    await again.close();
  });
});
