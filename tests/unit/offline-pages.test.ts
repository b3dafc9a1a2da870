/**
 * What a page may ask of the offline worker (app/collab/offline-pages.ts): to keep one document page of this origin,
 * by its path. Anything else — another page, another origin, a path that climbs out, a malformed message — is
 * ignored by the worker.
 */
import { describe, expect, it } from "vitest";
import { DOCUMENT_PAGE, documentPagePath, isKeepMessage, offlineUntil, pageCacheName, PAGE_CACHE_PREFIX, withinSession } from "../../app/collab/offline-pages";

const id = "3f2b1c9e-8a7d-4e6f-9b0a-1c2d3e4f5a6b";

describe("a message asking the worker to keep a page", () => {
  it("is taken for a document page's path", () => {
    expect(isKeepMessage({ type: "keep", path: documentPagePath(id) })).toBe(true);
  });

  it.each([
    ["no message", null],
    ["a string", "keep"],
    ["an array", ["keep", `/documents/${id}`]],
    ["another type", { type: "delete", path: `/documents/${id}` }],
    ["no path", { type: "keep" }],
    ["a number for a path", { type: "keep", path: 42 }],
    ["an API answer", { type: "keep", path: `/api/documents/${id}/threads` }],
    ["another page of the document", { type: "keep", path: `/documents/${id}/history` }],
    ["a path that climbs out", { type: "keep", path: `/documents/../api/me` }],
    ["another origin", { type: "keep", path: `https://evil.example/documents/${id}` }],
    ["a protocol-relative address", { type: "keep", path: `//evil.example/documents/${id}` }],
    ["a query", { type: "keep", path: `/documents/${id}?x=1` }],
    ["an upper-case id", { type: "keep", path: `/documents/${id.toUpperCase()}` }],
    ["a long path", { type: "keep", path: `/documents/${id}${"a".repeat(10_000)}` }],
  ])("is ignored with %s", (_label, message) => {
    expect(isKeepMessage(message)).toBe(false);
  });
});

describe("the names of kept pages", () => {
  it("recognise a document page's path and give its id", () => {
    expect(DOCUMENT_PAGE.exec(`/documents/${id}`)?.[1]).toBe(id);
    expect(DOCUMENT_PAGE.test(`/documents/${id}/compare`)).toBe(false);
  });

  it("keep one cache per account", () => {
    expect(pageCacheName("a".repeat(22))).toBe(`${PAGE_CACHE_PREFIX}${"a".repeat(22)}`);
    expect(pageCacheName("a".repeat(22))).not.toBe(pageCacheName("b".repeat(22)));
  });
});

describe("how long a kept page may be shown", () => {
  const end = Date.UTC(2026, 11, 6, 12, 0, 0);

  it("until the session that loaded it ends, and not from that moment on", () => {
    expect(offlineUntil(String(end))).toBe(end);
    expect(withinSession(String(end), end - 1)).toBe(true);
    expect(withinSession(String(end), end)).toBe(false);
    expect(withinSession(String(end), end + 60_000)).toBe(false);
  });

  it.each([
    ["no mark", null],
    ["an empty mark", ""],
    ["a date in words", "Sun, 06 Dec 2026 12:00:00 GMT"],
    ["a negative time", `-${end}`],
    ["a fraction", `${end}.5`],
    ["exponent notation", "1e20"],
    ["spaces around", ` ${end} `],
    ["an absurdly far end", "9".repeat(16)],
    ["infinity", "Infinity"],
  ])("never, with %s", (_label, mark) => {
    expect(withinSession(mark, end - 1)).toBe(false);
  });
});
