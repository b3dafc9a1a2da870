import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { inspectUpdate } from "../../server/collab/inspect-update";
import { decodeAwareness, encodeAwareness, filterAndStamp } from "../../server/collab/awareness-filter";

function updateOf(build: (doc: Y.Doc) => void): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  build(doc);
  return { doc, update: Y.encodeStateAsUpdate(doc) };
}

const paragraph = (text: string, attrs?: Record<string, unknown>) => {
  const p = new Y.XmlElement("paragraph");
  const t = new Y.XmlText();
  t.insert(0, text, attrs);
  p.insert(0, [t]);
  return p;
};

describe("inspecting an update before it touches a document", () => {
  it("accepts what the editor writes and reports the writing client", () => {
    const { doc, update } = updateOf((d) => {
      const h = new Y.XmlElement("heading");
      h.setAttribute("level", 2 as unknown as string);
      h.insert(0, [new Y.XmlText("Preamble")]);
      d.getXmlFragment("default").push([h, paragraph("bold", { bold: {} }), paragraph("link", { link: { href: "https://leahn.org" } })]);
    });
    const result = inspectUpdate(update);
    expect(result.ok).toBe(true);
    if (result.ok) expect([...result.clients]).toEqual([doc.clientID]);
  });

  it("refuses unknown nodes, unknown marks, unsafe links and other root types", () => {
    const cases: [string, (d: Y.Doc) => void][] = [
      ["unknown node", (d) => d.getXmlFragment("default").push([new Y.XmlElement("iframe")])],
      ["unknown mark", (d) => d.getXmlFragment("default").push([paragraph("x", { fontFamily: "x" })])],
      ["javascript link", (d) => d.getXmlFragment("default").push([paragraph("x", { link: { href: "javascript:alert(1)" } })])],
      ["data link", (d) => d.getXmlFragment("default").push([paragraph("x", { link: { href: "data:text/html,<script>" } })])],
      ["other root", (d) => d.getMap("evil").set("k", "v")],
      ["other root text", (d) => d.getText("notes").insert(0, "x")],
      ["embed", (d) => {
        const p = new Y.XmlElement("paragraph");
        const t = new Y.XmlText();
        t.insertEmbed(0, { image: "x" });
        p.insert(0, [t]);
        d.getXmlFragment("default").push([p]);
      }],
    ];
    for (const [name, build] of cases) {
      const result = inspectUpdate(updateOf(build).update);
      expect(result.ok, name).toBe(false);
    }
  });

  it("refuses malformed and truncated bytes without throwing", () => {
    const { update } = updateOf((d) => d.getXmlFragment("default").push([paragraph("hello")]));
    for (const bytes of [new Uint8Array([255, 255, 255, 255, 15]), update.slice(0, update.length - 3), new Uint8Array([1, 200, 1])]) {
      expect(inspectUpdate(bytes).ok).toBe(false);
    }
  });

  it("marks an update that carries nothing as empty", () => {
    const result = inspectUpdate(Y.encodeStateAsUpdate(new Y.Doc()));
    expect(result).toMatchObject({ ok: true, clients: new Set(), empty: true });
    expect(result.ok && result.deletes.clients.size).toBe(0);
  });

  it("reads what an update deletes, so its author's confirmation can carry exactly that", () => {
    const doc = new Y.Doc();
    const text = doc.getXmlFragment("default");
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("Hello world")]);
    text.push([p]);
    const sv = Y.encodeStateVector(doc);
    (p.get(0) as Y.XmlText).delete(0, 6);
    const result = inspectUpdate(Y.encodeStateAsUpdate(doc, sv));
    expect(result.ok && result.empty).toBe(false);
    expect(result.ok && [...result.deletes.clients.values()].flat().reduce((n, r) => n + r.len, 0)).toBe(6);
  });
});

describe("presence as the server accepts it", () => {
  it("keeps only client IDs the connection may claim and stamps the server's identity", () => {
    const encoded = encodeAwareness([
      { clientID: 1, clock: 1, state: { user: { name: "Chief Constable", color: "#000" }, cursor: null } },
      { clientID: 2, clock: 1, state: { user: { name: "Someone else" } } },
    ]);
    const kept = filterAndStamp(decodeAwareness(encoded), (id) => id === 1, { name: "Ann", color: "#1d4e5f", role: "editor" });
    expect(kept).toEqual([{ clientID: 1, clock: 1, state: { user: { name: "Ann", color: "#1d4e5f", role: "editor" }, cursor: null } }]);
  });

  it("throws on malformed presence (the connection is then closed)", () => {
    expect(() => decodeAwareness(new Uint8Array([1, 1, 1, 3, 0x7b, 0x7b, 0x7b]))).toThrow();
    expect(() => decodeAwareness(new Uint8Array([1, 1, 1, 2, 0x5b, 0x5d]))).toThrow(); // an array, not an object
    expect(() => decodeAwareness(new Uint8Array([5]))).toThrow();
  });
});

describe("presence caps (server/collab/limits.ts)", () => {
  const caps = { entries: 5000, stateBytes: 2048 };

  it("refuses a state over its byte cap from the connection itself, but skips others' states unread, however large", () => {
    const big = { clientID: 9, clock: 1, state: { pad: "x".repeat(3000) } };
    expect(() => decodeAwareness(encodeAwareness([big]), caps, () => "free")).toThrow(/over 2048 bytes/);
    expect(decodeAwareness(encodeAwareness([big]), caps, () => "other")).toEqual([]);
  });

  it("skips removals of client IDs that are not the connection's (a provider echoes everyone's departures)", () => {
    const gone = { clientID: 4, clock: 3, state: null };
    expect(decodeAwareness(encodeAwareness([gone]), caps, () => "free")).toEqual([]);
    expect(decodeAwareness(encodeAwareness([gone]), caps, () => "mine")).toEqual([gone]);
  });

  it("refuses a message listing more states than a room may hold", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ clientID: i, clock: 1, state: {} }));
    expect(() => decodeAwareness(encodeAwareness(many), { entries: 10, stateBytes: 2048 }, () => "other")).toThrow(/more than 10 states/);
  });
});

describe("the token bucket every rate of the socket uses", () => {
  it("allows its burst at once, then its rate, and says how long until the next", async () => {
    const { TokenBucket } = await import("../../server/collab/limits");
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 0.2, burst: 5 }, () => now);
    for (let i = 0; i < 5; i++) expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
    expect(bucket.waitMs()).toBe(5000);
    now = 5000;
    expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
  });
});
