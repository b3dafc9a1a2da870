/**
 * Where /login sends someone afterwards (`redirectTo`): only to a page of our own origin, however the value is written.
 * The corpus is the known ways of making a browser leave a site from a "relative" redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigCache } from "../../app/config.server";
import { safeRedirectTarget } from "../../app/utils/guards.server";

const before = process.env.ACCORD_PUBLIC_URL;
beforeAll(() => {
  process.env.ACCORD_PUBLIC_URL = "https://accord.example.org";
  resetConfigCache();
});
afterAll(() => {
  if (before === undefined) delete process.env.ACCORD_PUBLIC_URL;
  else process.env.ACCORD_PUBLIC_URL = before;
  resetConfigCache();
});

const FALLBACK = "/workshops";

/** Resolve a Location value as a browser does (it strips tabs and newlines too) and say where it lands. */
const landsOn = (location: string) => new URL(location, "https://accord.example.org").origin;

describe("the redirect after signing in", () => {
  it("keeps paths of our own site, with their query and fragment", () => {
    expect(safeRedirectTarget("/account")).toBe("/account");
    expect(safeRedirectTarget("/documents/abc/history?from=live#changes")).toBe("/documents/abc/history?from=live#changes");
    expect(safeRedirectTarget("https://accord.example.org/account?x=1")).toBe("/account?x=1");
    expect(safeRedirectTarget("/")).toBe("/");
  });

  it.each([
    ["a tab between the slashes", "/\t/evil.example"],
    ["a newline between the slashes", "/\r\n/evil.example"],
    ["a newline alone", "/\n/evil.example"],
    ["a backslash", "/\\evil.example"],
    ["escaped slashes", "\\/\\/evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["protocol-relative", "//evil.example"],
    ["protocol-relative with a path", "//evil.example/login"],
    ["a leading space", " //evil.example"],
    ["a leading control character", "\u0000//evil.example"],
    ["the other scheme without slashes", "http:evil.example"],
    ["an absolute URL elsewhere", "https://evil.example/"],
    ["our host as a user name", "https://accord.example.org@evil.example/"],
    ["our host as a prefix", "https://accord.example.org.evil.example/"],
    ["plain http to our host", "http://accord.example.org/account"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["JavaScript: with a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["a dot segment that leaves two slashes", "/.//evil.example"],
    ["dot-dot segments that leave two slashes", "/a/../..//evil.example"],
    ["encoded dot segments that leave two slashes", "/%2e%2e//evil.example"],
    ["an uppercase scheme and host with two slashes", "HTTPS://ACCORD.EXAMPLE.ORG//evil.example"],
    ["nothing", ""],
    ["a very long value", `/${"a".repeat(5000)}`],
  ])("refuses %s", (_what, value) => {
    expect(safeRedirectTarget(value)).toBe(FALLBACK);
  });

  it.each([
    ["an encoded tab", "/%09/evil.example", "/%09/evil.example"],
    ["an encoded backslash", "/%5Cevil.example", "/%5Cevil.example"],
    ["encoded slashes", "%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["full-width solidi (look-alikes)", "／／evil.example", "/%EF%BC%8F%EF%BC%8Fevil.example"],
    ["an ideographic full stop", "/\u3002evil.example", "/%E3%80%82evil.example"],
    ["our own scheme without slashes (a path here, as browsers read it)", "https:evil.example", "/evil.example"],
  ])("keeps %s on our site, as a path", (_what, value, path) => {
    expect(safeRedirectTarget(value)).toBe(path);
  });

  it("never answers anything a browser would take off-site", () => {
    const corpus = ["/\t/x.example", "/%09/x.example", "/\\x.example", "//x.example", "http:x.example", "https:x.example", "/.//x.example", "／／x.example", "%2F%2Fx.example"];
    for (const value of corpus) expect(landsOn(safeRedirectTarget(value)), JSON.stringify(value)).toBe("https://accord.example.org");
  });

  it("uses the fallback for values that are not text", () => {
    expect(safeRedirectTarget(null)).toBe(FALLBACK);
    expect(safeRedirectTarget(undefined, "/declarations")).toBe("/declarations");
  });
});
