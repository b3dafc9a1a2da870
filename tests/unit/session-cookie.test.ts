/**
 * The session cookie's attributes follow the public URL's scheme (ACCORD_PUBLIC_URL), not NODE_ENV: an https
 * deployment that forgot NODE_ENV=production still gets a Secure, __Host- cookie (switched through the config cache).
 */
import { afterEach, describe, expect, it } from "vitest";
import { readSessionToken, serializeBlankSessionCookie, serializeSessionCookie, sessionCookieName } from "../../app/auth/cookie.server";
import { resetConfigCache } from "../../app/config.server";

const originalEnv = { NODE_ENV: process.env.NODE_ENV, ACCORD_PUBLIC_URL: process.env.ACCORD_PUBLIC_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(originalEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
});

function withEnv(nodeEnv: "production" | "development", publicUrl: string | undefined) {
  process.env.NODE_ENV = nodeEnv;
  if (publicUrl) process.env.ACCORD_PUBLIC_URL = publicUrl;
  else delete process.env.ACCORD_PUBLIC_URL;
  resetConfigCache();
}

const attrs = (cookie: string) => cookie.split(";").slice(1).map((p) => p.trim().toLowerCase());
const expires = new Date("2030-01-02T03:04:05Z");

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ and not Secure behind an http public URL, even in production", () => {
    for (const nodeEnv of ["development", "production"] as const) {
      withEnv(nodeEnv, "http://localhost:3000");
      const cookie = serializeSessionCookie("abc.def", expires);
      expect(cookie.startsWith("accord_session=abc.def;"), nodeEnv).toBe(true);
      expect(attrs(cookie)).toEqual(["path=/", "httponly", "samesite=lax", "expires=wed, 02 jan 2030 03:04:05 gmt"]);
    }
  });

  it("is Secure with the __Host- prefix and no Domain behind an https public URL, whatever NODE_ENV says", () => {
    for (const nodeEnv of ["development", "production"] as const) {
      withEnv(nodeEnv, "https://accord.example.org");
      expect(sessionCookieName(), nodeEnv).toBe("__Host-accord_session");
      const cookie = serializeSessionCookie("abc.def", expires);
      expect(cookie.startsWith("__Host-accord_session=abc.def;")).toBe(true);
      const a = attrs(cookie);
      expect(a).toContain("secure");
      expect(a).toContain("httponly");
      expect(a).toContain("samesite=lax");
      expect(a).toContain("path=/");
      expect(a.some((x) => x.startsWith("domain="))).toBe(false);
      expect(attrs(serializeBlankSessionCookie())).toEqual(["path=/", "httponly", "samesite=lax", "secure", "max-age=0"]);
    }
  });

  it("is read back only under its own name, so an https deployment ignores a cookie set over plain http", () => {
    withEnv("development", "https://accord.example.org");
    expect(readSessionToken("accord_session=abc.def")).toBeNull();
    expect(readSessionToken("other=1; __Host-accord_session=abc.def")).toBe("abc.def");
    withEnv("production", "http://localhost:3000");
    expect(readSessionToken("accord_session=abc.def; x=y")).toBe("abc.def");
    expect(readSessionToken(`accord_session=${"a".repeat(201)}`)).toBeNull();
  });
});
