/** Rate-limit and throttle keys (app/auth/hashed-key.server.ts). */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashedKeyWith } from "../../app/auth/hashed-key.server";

describe("hashed keys", () => {
  const secret = Buffer.alloc(32, 7);

  it("name their kind and hide the value behind an HMAC", () => {
    const key = hashedKeyWith(secret, "ip", "203.0.113.9");
    expect(key).toMatch(/^ip:[0-9a-f]{32}$/);
    expect(key).not.toContain("203.0.113.9");
    // Not the plain SHA-256 an attacker could rebuild by hashing every IPv4 address.
    expect(key.slice(3)).not.toBe(createHash("sha256").update("203.0.113.9").digest("hex").slice(0, 32));
  });

  it("are stable under one secret and differ under another, so instances must share it", () => {
    expect(hashedKeyWith(secret, "ip", "203.0.113.9")).toBe(hashedKeyWith(Buffer.from(secret), "ip", "203.0.113.9"));
    expect(hashedKeyWith(Buffer.alloc(32, 8), "ip", "203.0.113.9")).not.toBe(hashedKeyWith(secret, "ip", "203.0.113.9"));
    expect(hashedKeyWith(secret, "ip", "203.0.113.9")).not.toBe(hashedKeyWith(secret, "ip", "203.0.113.10"));
  });
});
