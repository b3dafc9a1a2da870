import { describe, expect, it } from "vitest";
import { PeerInstances } from "../../server/collab/peer-instances";
import { randomUUID } from "node:crypto";
import { HELD_DOCUMENTS_PER_PAYLOAD, parseChannelMessage } from "../../db/document-log";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("the other collaboration instances an instance knows of", () => {
  it("are none at first, and never itself", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    expect(peers.present).toBe(false);
    expect(peers.heard("me")).toBe(false);
    expect(peers.present).toBe(false);
  });

  it("include one as soon as it is heard, reporting it as new only the first time", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    expect(peers.heard("other")).toBe(true);
    expect(peers.present).toBe(true);
    c.advance(1900);
    expect(peers.heard("other")).toBe(false);
    expect(peers.present).toBe(true);
  });

  it("take one not heard for three periods to be gone, and new again when it comes back", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    peers.heard("other");
    c.advance(6000);
    expect(peers.present).toBe(true);
    c.advance(1);
    expect(peers.present).toBe(false);
    expect(peers.heard("other")).toBe(true);
    expect(peers.present).toBe(true);
  });

  it("stay present while any one of several is", () => {
    const c = clock();
    const peers = new PeerInstances("me", 1000, c.now);
    peers.heard("a");
    c.advance(2500);
    peers.heard("b");
    c.advance(1000);
    expect(peers.present).toBe(true); // a is gone, b is not
    c.advance(2001);
    expect(peers.present).toBe(false);
  });
});

describe("which documents the other instances hold", () => {
  it("none, when no other instance is there or those there hold none", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    expect(peers.heldElsewhere("doc")).toBe(false);
    expect(peers.heardHolding("other", [])).toEqual({ newInstance: true, newlyHeld: [] });
    expect(peers.present).toBe(true);
    expect(peers.heldElsewhere("doc")).toBe(false);
  });

  it("a document an instance said it holds, newly held only the first time, until three periods pass unheard", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    expect(peers.heardHolding("other", ["a", "b"])).toEqual({ newInstance: true, newlyHeld: ["a", "b"] });
    expect(peers.heldElsewhere("a")).toBe(true);
    expect(peers.heldElsewhere("c")).toBe(false);
    c.advance(1000);
    expect(peers.heardHolding("third", ["a", "c"])).toEqual({ newInstance: true, newlyHeld: ["c"] });
    c.advance(5000);
    peers.heardHolding("other", ["b"]); // renews "other" and b, not a
    expect(peers.heldElsewhere("a")).toBe(true); // "third" said so 5 s ago
    c.advance(1001);
    expect(peers.heldElsewhere("a")).toBe(false);
    expect(peers.heldElsewhere("b")).toBe(true);
    expect(peers.heardHolding("other", ["a"]).newlyHeld).toEqual(["a"]);
  });

  it("every document, while an instance is there that never said what it holds (an older version)", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    peers.heard("older");
    expect(peers.heldElsewhere("anything")).toBe(true);
    // Its documents were announced all along: none becomes newly held.
    expect(peers.heardHolding("newer", ["anything"]).newlyHeld).toEqual([]);
    c.advance(6001);
    peers.heardHolding("newer", []);
    expect(peers.heldElsewhere("anything")).toBe(false); // the older one is gone, the newer holds nothing now
  });

  it("not its own, and not those of an instance that is gone", () => {
    const c = clock();
    const peers = new PeerInstances("me", 2000, c.now);
    expect(peers.heardHolding("me", ["a"])).toEqual({ newInstance: false, newlyHeld: [] });
    expect(peers.heldElsewhere("a")).toBe(false);
    peers.heardHolding("other", ["a"]);
    c.advance(6001);
    peers.prune();
    expect(peers.heldElsewhere("a")).toBe(false);
    expect(peers.present).toBe(false);
  });
});

describe("messages between instances", () => {
  it("read an instance saying it is there, and a document's announced commits", () => {
    expect(parseChannelMessage("instance 5f0c")).toEqual({ kind: "instance", instanceId: "5f0c" });
    expect(parseChannelMessage("3b2a 42 5f0c")).toEqual({ kind: "updated", documentId: "3b2a", lastSeq: 42, instanceId: "5f0c" });
    expect(parseChannelMessage("3b2a 42 5f0c 1796494851706")).toEqual({ kind: "updated", documentId: "3b2a", lastSeq: 42, instanceId: "5f0c", sentAtMs: 1796494851706 });
    expect(parseChannelMessage("3b2a 42 5f0c soon")).toEqual({ kind: "updated", documentId: "3b2a", lastSeq: 42, instanceId: "5f0c" });
    // Server-side changes announce with a name of their own; older payloads may have none.
    expect(parseChannelMessage("3b2a 7 http")).toEqual({ kind: "updated", documentId: "3b2a", lastSeq: 7, instanceId: "http" });
    expect(parseChannelMessage("3b2a 7")).toEqual({ kind: "updated", documentId: "3b2a", lastSeq: 7, instanceId: null });
  });

  it("read which documents an instance holds, in payloads that stay under PostgreSQL's 8,000 bytes", () => {
    expect(parseChannelMessage("holds 5f0c")).toEqual({ kind: "holds", instanceId: "5f0c", documentIds: [] });
    expect(parseChannelMessage("holds 5f0c 3b2a  9d1e")).toEqual({ kind: "holds", instanceId: "5f0c", documentIds: ["3b2a", "9d1e"] });
    expect(parseChannelMessage("holds ")).toBeNull();
    const longest = ["holds " + randomUUID(), ...Array.from({ length: HELD_DOCUMENTS_PER_PAYLOAD }, () => randomUUID())].join(" ");
    expect(Buffer.byteLength(longest)).toBeLessThan(8000);
  });

  it("ignore payloads of neither form", () => {
    for (const payload of ["", "instance ", "instance", "3b2a", "3b2a seven x", " 1 x"]) expect(parseChannelMessage(payload)).toBeNull();
  });
});
