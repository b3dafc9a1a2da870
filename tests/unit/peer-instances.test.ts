import { describe, expect, it } from "vitest";
import { PeerInstances } from "../../server/collab/peer-instances";
import { parseChannelMessage } from "../../db/document-log";

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

  it("ignore payloads of neither form", () => {
    for (const payload of ["", "instance ", "instance", "3b2a", "3b2a seven x", " 1 x"]) expect(parseChannelMessage(payload)).toBeNull();
  });
});
