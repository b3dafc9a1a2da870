/** Second-factor helpers for tests: enrol over HTTP as a person would, and compute the codes their app would show. */
import { expect } from "vitest";
import { generateHOTP } from "@oslojs/otp";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import type { Browserish } from "./http-server";

export const STEP_MS = 30_000;

/** The code an app shows `offset` steps from now. Waits out the last second of a step, so a code is not computed in
 * one step and checked in the next. */
export async function codeAt(key: Uint8Array, offset = 0): Promise<string> {
  while (Date.now() % STEP_MS > STEP_MS - 1500) await new Promise((r) => setTimeout(r, 250));
  return generateHOTP(key, BigInt(Math.floor(Date.now() / STEP_MS) + offset), 6);
}

export const typedKeyOf = (html: string): Uint8Array => {
  const typed = /<code class="typed-key">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  expect(typed, "the key is shown for typing").toBeTruthy();
  return decodeBase32IgnorePadding(typed!.replace(/ /g, ""));
};

export const recoveryCodesOf = (html: string): string[] => [...html.matchAll(/<li><code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})<\/code><\/li>/g)].map((m) => m[1]!);

/**
 * Set up a second factor for the signed-in `browser`: start, read the key, confirm with the code of the step
 * before (the following steps stay free for the test), and return the key and the ten recovery codes.
 */
export async function enrolOverHttp(browser: Browserish): Promise<{ key: Uint8Array; recoveryCodes: string[] }> {
  expect((await browser.post("/account/second-factor", { intent: "start" })).status).toBe(302);
  const key = typedKeyOf(await (await browser.get("/account/second-factor")).text());
  const res = await browser.post("/account/second-factor", { intent: "confirm", code: await codeAt(key, -1) });
  expect(res.status).toBe(200);
  const recoveryCodes = recoveryCodesOf(await res.text());
  expect(recoveryCodes).toHaveLength(10);
  return { key, recoveryCodes };
}
