/** The session cookie's attributes, in development and in production (NODE_ENV switched through the config cache). */
import { afterEach, describe, expect, it } from "vitest";
import { readSessionToken, serializeBlankSessionCookie, serializeSessionCookie, sessionCookieName } from "../../app/auth/cookie.server";
import { resetConfigCache } from "../../app/config.server";

const originalEnv = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = originalEnv;
  resetConfigCache();
});

function withEnv(nodeEnv: "production" | "development") {
  process.env.NODE_ENV = nodeEnv;
  resetConfigCache();
}

const attrs = (cookie: string) => cookie.split(";").slice(1).map((p) => p.trim().toLowerCase());
const expires = new Date("2030-01-02T03:04:05Z");

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ and not Secure outside production", () => {
    withEnv("development");
    const cookie = serializeSessionCookie("abc.def", expires);
    expect(cookie.startsWith("accord_session=abc.def;")).toBe(true);
    expect(attrs(cookie)).toEqual(["path=/", "httponly", "samesite=lax", "expires=wed, 02 jan 2030 03:04:05 gmt"]);
  });

  it("is also Secure in production, with the __Host- prefix and no Domain", () => {
    withEnv("production");
    expect(sessionCookieName()).toBe("__Host-accord_session");
    const cookie = serializeSessionCookie("abc.def", expires);
    expect(cookie.startsWith("__Host-accord_session=abc.def;")).toBe(true);
    const a = attrs(cookie);
    expect(a).toContain("secure");
    expect(a).toContain("httponly");
    expect(a).toContain("samesite=lax");
    expect(a).toContain("path=/");
    expect(a.some((x) => x.startsWith("domain="))).toBe(false);
    expect(attrs(serializeBlankSessionCookie())).toEqual(["path=/", "httponly", "samesite=lax", "secure", "max-age=0"]);
  });

  it("is read back only under its own name, so a production server ignores a development cookie", () => {
    withEnv("production");
    expect(readSessionToken("accord_session=abc.def")).toBeNull();
    expect(readSessionToken("other=1; __Host-accord_session=abc.def")).toBe("abc.def");
    withEnv("development");
    expect(readSessionToken("accord_session=abc.def; x=y")).toBe("abc.def");
    expect(readSessionToken(`accord_session=${"a".repeat(201)}`)).toBeNull();
  });
});
