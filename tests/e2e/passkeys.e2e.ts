/**
 * Passkeys in Chromium, with its virtual authenticator driven over the DevTools protocol (WebAuthn.enable,
 * WebAuthn.addVirtualAuthenticator: CTAP2, internal, resident keys, user verification): register a passkey on the
 * second-factor page (named, listed, recovery codes given), then sign in again with the password and the passkey.
 * The browser runs on the public URL's host (localhost), as WebAuthn's RP ID requires. The pages pass axe.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { expectNoAxeViolations, launchBrowser } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import type { UserRow } from "../../db/users";

let server: ServerProcess;
let browser: Browser;
let person: UserRow;
let origin: string;

beforeAll(async () => {
  server = await startServerProcess(await createE2eDatabase());
  origin = server.url.replace("127.0.0.1", "localhost"); // the public URL: http://localhost:<port>
  person = await createUser({ name: "Paula Passkey" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("a passkey in the browser", () => {
  it("is registered on the second-factor page, and then signing in takes the password and the passkey", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    await page.goto(`${origin}/login`);
    await page.getByLabel("E-mail").fill(person.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    await page.goto(`${origin}/account/second-factor`);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    await expectNoAxeViolations(page);
    await page.getByLabel("Name of the passkey").fill("Test laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    expect(await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").count()).toBe(10);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    await page.goto(`${origin}/account/second-factor`);
    await page.getByRole("cell", { name: "Test laptop" }).waitFor();
    await expectNoAxeViolations(page);

    // Signed out; the password, then the passkey.
    await context.clearCookies();
    await page.goto(`${origin}/login`);
    await page.getByLabel("E-mail").fill(person.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/login/second-factor");
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL((u) => u.pathname === "/workshops");
    const [used] = await getSql()<{ counter: string; used: boolean }[]>`
      select counter::text, last_used_at is not null as used from passkeys where user_id = ${person.id}`;
    expect(used?.used).toBe(true);
    const [session] = await getSql()<{ verified: boolean }[]>`
      select second_factor_verified_at is not null as verified from sessions where user_id = ${person.id} order by created_at desc limit 1`;
    expect(session?.verified).toBe(true);
    await context.close();
  });
});
