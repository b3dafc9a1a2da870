import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { createSession, validateSessionToken, ABSOLUTE_MS, IDLE_MS } from "../../app/auth/session.server";
import { createUser } from "../support/factories";

describe("sessions", () => {
  it("validates the token it issued and stores only the secret's hash", async () => {
    const user = await createUser();
    const { token, session } = await createSession(user.id, "test");
    const result = await validateSessionToken(token);
    expect(result?.user.id).toBe(user.id);
    const [row] = await getSql()`select id, secret_hash from sessions where id = ${session.id}`;
    const secret = token.split(".")[1]!;
    expect(Buffer.from(row!.secret_hash as Uint8Array).toString("utf8")).not.toContain(secret);
    expect((row!.secret_hash as Uint8Array).length).toBe(32);
  });

  it("refuses a token rebuilt from what the database stores", async () => {
    const user = await createUser();
    const { session } = await createSession(user.id, null);
    const [row] = await getSql()`select id, encode(secret_hash, 'hex') as h from sessions where id = ${session.id}`;
    expect(await validateSessionToken(`${row!.id}.${row!.h}`)).toBeNull();
    expect(await validateSessionToken(`${row!.id}.${"a".repeat(24)}`)).toBeNull();
  });

  it("slides the idle expiry but never past the absolute lifetime", async () => {
    const user = await createUser();
    const start = new Date();
    const { token } = await createSession(user.id, null, start);
    const later = new Date(start.getTime() + IDLE_MS * 0.75);
    const renewed = await validateSessionToken(token, later);
    expect(renewed?.fresh).toBe(true);
    expect(renewed!.session.expiresAt.getTime()).toBeGreaterThan(start.getTime() + IDLE_MS);
    expect(await validateSessionToken(token, new Date(start.getTime() + ABSOLUTE_MS + 1000))).toBeNull();
  });
});
