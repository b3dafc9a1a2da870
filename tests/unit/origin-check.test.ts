import { describe, expect, it } from "vitest";
import { crossOriginRefusal } from "../../app/auth/origin-check.server";
import { firstUnreachableDirectory } from "../../server/embedded-postgres";

const base = { host: "accord.example.org", protocol: "https" as const, publicUrl: "https://accord.example.org", hasBearer: false };

describe("refusing cross-site state changes", () => {
  it("lets reads through and same-origin writes", () => {
    expect(crossOriginRefusal({ ...base, method: "GET", origin: "https://evil.example", secFetchSite: "cross-site" })).toBeNull();
    expect(crossOriginRefusal({ ...base, method: "POST", origin: "https://accord.example.org", secFetchSite: null })).toBeNull();
  });

  it("refuses another origin, a cross-site fetch without Origin, and a write with neither header", () => {
    expect(crossOriginRefusal({ ...base, method: "POST", origin: "https://evil.example", secFetchSite: null })).not.toBeNull();
    expect(crossOriginRefusal({ ...base, method: "DELETE", origin: "http://accord.example.org", secFetchSite: null })).not.toBeNull();
    expect(crossOriginRefusal({ ...base, method: "POST", origin: null, secFetchSite: "cross-site" })).not.toBeNull();
    expect(crossOriginRefusal({ ...base, method: "POST", origin: "null", secFetchSite: "same-site" })).not.toBeNull();
    expect(crossOriginRefusal({ ...base, method: "POST", origin: null, secFetchSite: null })).not.toBeNull();
  });

  it("exempts bearer-token requests, which carry no ambient credential", () => {
    expect(crossOriginRefusal({ ...base, method: "POST", origin: null, secFetchSite: null, hasBearer: true })).toBeNull();
  });
});

describe("embedded PostgreSQL as root", () => {
  it("names the first directory the postgres user cannot enter", () => {
    // "/" is always enterable; a directory owned by another uid with mode 0700 is not.
    expect(firstUnreachableDirectory("/", { uid: 12345, gids: [12345] })).toBeNull();
    if (process.getuid?.() === 0) {
      expect(firstUnreachableDirectory("/root/anything", { uid: 12345, gids: [12345] })).toBe("/root");
    }
  });
});
