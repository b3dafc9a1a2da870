import { describe, expect, it } from "vitest";
import { durabilityProblems } from "../../server/durability";

const safe = { fsync: "on", synchronousCommit: "on", fullPageWrites: "on" };

describe("the durability rule", () => {
  it("accepts every synchronous_commit that waits for the local disk", () => {
    for (const synchronousCommit of ["on", "local", "remote_write", "remote_apply"]) {
      expect(durabilityProblems({ ...safe, synchronousCommit }), synchronousCommit).toEqual([]);
    }
  });

  it("names each setting that breaks the promise, with the reason", () => {
    const problems = durabilityProblems({ fsync: "off", synchronousCommit: "off", fullPageWrites: "off" });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^fsync is off: .*power cut/);
    expect(problems[1]).toMatch(/^synchronous_commit is off: .*crash loses/);
    expect(problems[2]).toMatch(/^full_page_writes is off: .*torn/);
    expect(durabilityProblems({ ...safe, fsync: "off" })).toHaveLength(1);
    expect(durabilityProblems({ ...safe, fullPageWrites: "off" })).toHaveLength(1);
  });
});
