import { describe, expect, it } from "vitest";
import { approximateNetwork } from "../../app/auth/client-network";
import { describeTimeZone, timeZoneCookie, timeZoneFromCookies, TIME_ZONE_COOKIE, validTimeZone } from "../../app/auth/session-place";
import { hashedKeyWith } from "../../app/auth/hashed-key.server";

describe("the time zone a browser reports", () => {
  it("is accepted only when it is a time zone the runtime knows", () => {
    for (const tz of ["Europe/Stockholm", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata"]) expect(validTimeZone(tz), tz).toBe(tz);
    for (const bad of ["", "Europe/Nowhere", "../../etc/passwd", "Europe/Stockholm<script>", "a".repeat(65), "Etc/Unknown ", " UTC", null, undefined]) {
      expect(validTimeZone(bad), String(bad)).toBeNull();
    }
  });

  it("is read from its cookie, and a malformed or forged cookie reads as unknown", () => {
    expect(timeZoneFromCookies(`a=b; ${TIME_ZONE_COOKIE}=Europe%2FStockholm; c=d`)).toBe("Europe/Stockholm");
    expect(timeZoneFromCookies(`${TIME_ZONE_COOKIE}=%E0%A4%A`)).toBeNull();
    expect(timeZoneFromCookies(`${TIME_ZONE_COOKIE}=Mars%2FOlympus`)).toBeNull();
    expect(timeZoneFromCookies(`x${TIME_ZONE_COOKIE}=UTC`)).toBeNull();
    expect(timeZoneFromCookies(null)).toBeNull();
  });

  it("is written as a year-long Lax cookie, Secure on https", () => {
    expect(timeZoneCookie("Europe/Stockholm", true)).toBe(`${TIME_ZONE_COOKIE}=Europe%2FStockholm; Path=/; Max-Age=31536000; SameSite=Lax; Secure`);
    expect(timeZoneCookie("UTC", false)).not.toContain("Secure");
  });

  it("reads as a city and its region", () => {
    expect(describeTimeZone("Europe/Stockholm")).toBe("Stockholm (Europe)");
    expect(describeTimeZone("America/Argentina/Buenos_Aires")).toBe("Buenos Aires (America)");
    expect(describeTimeZone("UTC")).toBe("UTC");
  });
});

describe("the network a session is used from", () => {
  it("is the /24 of an IPv4 address and the /48 of an IPv6 one", () => {
    expect(approximateNetwork("198.51.100.77")).toBe("198.51.100.0/24");
    expect(approximateNetwork("::ffff:198.51.100.77")).toBe("198.51.100.0/24");
    expect(approximateNetwork("2001:db8:abcd:12::1")).toBe("2001:db8:abcd::/48");
    expect(approximateNetwork("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(approximateNetwork("not an address")).toBeNull();
    expect(approximateNetwork(undefined)).toBeNull();
  });

  it("is kept only as a keyed hash, so neighbours share it and the address cannot be read back", () => {
    const key = Buffer.alloc(32, 7);
    const a = hashedKeyWith(key, "session-network", approximateNetwork("198.51.100.7")!);
    expect(a).toBe(hashedKeyWith(key, "session-network", approximateNetwork("198.51.100.200")!));
    expect(a).not.toBe(hashedKeyWith(key, "session-network", approximateNetwork("198.51.101.7")!));
    expect(a).not.toContain("198");
  });
});
