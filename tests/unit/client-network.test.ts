/** What per-IP limits count on: an IPv4 address, or an IPv6 address's /64 (app/auth/client-network.ts). */
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../app/auth/client-network";

describe("the network a per-IP limit counts on", () => {
  it("is the IPv4 address itself, also when it arrives IPv4-mapped", () => {
    expect(clientNetwork("203.0.113.9")).toBe("203.0.113.9");
    expect(clientNetwork("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(clientNetwork("::FFFF:cb00:7109")).toBe("203.0.113.9");
  });

  it("is the /64 for IPv6, however the address is written", () => {
    const network = "2001:db8:1:2::/64";
    for (const address of ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:5", "2001:db8:1:2::1.2.3.4", "2001:db8:1:2::5%eth0"]) {
      expect(clientNetwork(address), address).toBe(network);
    }
    expect(clientNetwork("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
    expect(clientNetwork("fd00::2")).toBe("fd00:0:0:0::/64");
  });

  it("keeps anything else as given, and null as null", () => {
    expect(clientNetwork("not an address")).toBe("not an address");
    expect(clientNetwork(null)).toBeNull();
    expect(clientNetwork("")).toBeNull();
  });
});
