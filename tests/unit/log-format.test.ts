import { describe, expect, it } from "vitest";
import { pretty } from "../../app/utils/log.server";

describe("the development log form", () => {
  it("turns a JSON line into time, level, message and fields, without pid and host", () => {
    const line = JSON.stringify({ level: "info", time: Date.UTC(2026, 11, 5, 12, 4, 5, 123), pid: 7, hostname: "vm", reqId: "r1", route: "/d/:slug", status: 200, msg: "GET /d/:slug 200" });
    expect(pretty(line)).toBe("12:04:05.123 INFO  GET /d/:slug 200  reqId=r1 route=/d/:slug status=200\n");
  });

  it("passes a line it cannot read through unchanged", () => {
    expect(pretty("not json\n")).toBe("not json\n");
  });
});
