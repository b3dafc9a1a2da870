/**
 * Fuzzing what the collaboration server does with a client's bytes before anything is stored: inspecting an update,
 * decoding a state vector and answering it, decoding presence. For every input — real messages mutated, the public
 * Yjs crash inputs — each step returns or throws an Error quickly; none hangs, none grows without bound.
 * (Over a real socket: tests/integration/fuzz-collab-socket.test.ts.)
 */
import fc from "fast-check";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { inspectUpdate } from "../../server/collab/inspect-update";
import { decodeAwareness } from "../../server/collab/awareness-filter";
import { FUZZ_RUNS, fuzzParameters, fuzzTimeout, KNOWN_BAD_UPDATES, realMessages, stateVectors, updatePayloads } from "../support/fuzz-inputs";

const SLOW_MS = 250;

function timed<T>(work: () => T): { ms: number; value: T | Error } {
  const start = performance.now();
  try {
    return { ms: performance.now() - start, value: work() };
  } catch (error) {
    return { ms: performance.now() - start, value: error as Error };
  }
}

describe("the collaboration server's decoding, fuzzed", () => {
  it("inspects every update quickly and refuses what it cannot read, never throwing", () => {
    fc.assert(
      fc.property(updatePayloads(), (bytes) => {
        const start = performance.now();
        const result = inspectUpdate(bytes);
        expect(performance.now() - start).toBeLessThan(SLOW_MS);
        expect(typeof result.ok).toBe("boolean");
      }),
      fuzzParameters(FUZZ_RUNS),
    );
  }, fuzzTimeout(FUZZ_RUNS));

  it("answers any state vector from a real document quickly, or refuses it with an Error", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, realMessages().update);
    const encoded = Y.encodeStateAsUpdate(doc);
    fc.assert(
      fc.property(stateVectors(), (sv) => {
        const decoded = timed(() => Y.decodeStateVector(sv));
        expect(decoded.ms).toBeLessThan(SLOW_MS);
        if (decoded.value instanceof Error) return;
        const fromDoc = timed(() => Y.encodeStateAsUpdate(doc, sv));
        const fromBytes = timed(() => Y.diffUpdate(encoded, sv));
        expect(fromDoc.ms).toBeLessThan(SLOW_MS);
        expect(fromBytes.ms).toBeLessThan(SLOW_MS);
      }),
      fuzzParameters(FUZZ_RUNS),
    );
    doc.destroy();
  }, fuzzTimeout(FUZZ_RUNS));

  it("decodes presence or throws an Error, quickly, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.oneof(updatePayloads(), fc.uint8Array({ maxLength: 512 })), (bytes) => {
        const result = timed(() => decodeAwareness(bytes));
        expect(result.ms).toBeLessThan(SLOW_MS);
        if (!(result.value instanceof Error)) expect(Array.isArray(result.value)).toBe(true);
      }),
      fuzzParameters(FUZZ_RUNS),
    );
  }, fuzzTimeout(FUZZ_RUNS));

  it("reads each public Yjs crash input quickly: refused, or (read as the V1 update it is sent as) harmless to apply", () => {
    for (const bytes of KNOWN_BAD_UPDATES) {
      const inspected = timed(() => inspectUpdate(bytes));
      expect(inspected.ms, Buffer.from(bytes).toString("hex")).toBeLessThan(SLOW_MS);
      const result = inspected.value as ReturnType<typeof inspectUpdate>;
      if (!result.ok) continue;
      const doc = new Y.Doc();
      const applied = timed(() => Y.applyUpdate(doc, bytes));
      expect(applied.ms, Buffer.from(bytes).toString("hex")).toBeLessThan(SLOW_MS);
      doc.destroy();
    }
  });
});
