/**
 * What the fuzz tests throw at Accord: y-websocket messages built from real ones (a real editor's update, state
 * vector and presence) and then mutated — bytes flipped, cut short, padded, huge varints spliced in, unknown types —
 * plus the public crash inputs of Yjs (issue #479: "garbagedoc"; issue #687: run-length fields that loop or allocate).
 * Runs come from ACCORD_FUZZ_RUNS (CI: 10,000 in-process; `npm run bench:fuzz` sets 1,000,000) and
 * ACCORD_FUZZ_WIRE_RUNS for what crosses a real socket or HTTP. fast-check prints the seed and path of a failure:
 * re-run it with ACCORD_FUZZ_SEED and ACCORD_FUZZ_PATH.
 */
import fc from "fast-check";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";

export const FUZZ_RUNS = Number(process.env.ACCORD_FUZZ_RUNS ?? 10_000);
export const WIRE_RUNS = Number(process.env.ACCORD_FUZZ_WIRE_RUNS ?? 400);

/** A test's time limit for `runs` cases (the default 5 s is too short for the benchmark's million). */
export const fuzzTimeout = (runs: number, msPerRun = 1): number => Math.max(30_000, runs * msPerRun * 3);

/** fast-check parameters: the run count, and a seed/path to replay a reported failure. */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.ACCORD_FUZZ_SEED;
  return { numRuns, ...(seed ? { seed: Number(seed), path: process.env.ACCORD_FUZZ_PATH } : {}), endOnFailure: true };
}

const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

/** Public inputs that hung or exhausted Yjs (issues #479, #498, #687), and other classic ones. */
export const KNOWN_BAD_UPDATES: Uint8Array[] = [
  new Uint8Array(Buffer.from("garbagedoc", "base64")), // yjs#479
  new Uint8Array(0), // yjs#498: a zero-length update
  hex("00010000000001000100010200001602000001fdffffffff7f0000"), // yjs#687 (a V2 update, sent as V1 here)
  hex("01fdffffffff7f00"), // a client count near 2^35
  hex("0101ffffffffffffffffff0100"), // an overlong varint
  hex("010100fdffffffff0f0000"), // a struct count of 2^32
  hex("01010a00fdffffffff0f0100"), // a clock near 2^32
];

/** A real editor's session: an update that inserts a paragraph, its state vector, and a presence state. */
export function realMessages(): { update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array } {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Police call for harm reduction.")]);
  doc.getXmlFragment("default").insert(0, [paragraph]);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: { name: "Fuzz", color: "#336699" }, cursor: null });
  const messages = {
    update: Y.encodeStateAsUpdate(doc),
    stateVector: Y.encodeStateVector(doc),
    awareness: awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]),
  };
  awareness.destroy();
  doc.destroy();
  return messages;
}

/** A whole y-websocket message: type, (sync step,) payload. */
export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

export function awarenessMessage(payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** Byte-level mutations of a valid message. */
export function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const hugeVarint = fc.constantFrom(hex("ffffffffffffffffff01"), hex("fdffffffff7f"), hex("80808080808080808080"), hex("ff"));
  return fc.oneof(
    base,
    fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, v]) => {
      const out = b.slice();
      if (out.length > 0) out[i % out.length] = v;
      return out;
    }),
    fc.tuple(base, fc.nat()).map(([b, n]) => b.slice(0, b.length === 0 ? 0 : n % b.length)),
    fc.tuple(base, fc.uint8Array({ maxLength: 64 })).map(([b, tail]) => new Uint8Array([...b, ...tail])),
    fc.tuple(base, fc.nat(), hugeVarint).map(([b, i, v]) => {
      const at = b.length === 0 ? 0 : i % b.length;
      return new Uint8Array([...b.slice(0, at), ...v, ...b.slice(at)]);
    }),
    fc.uint8Array({ maxLength: 256 }),
  );
}

/** Every kind of message a client could send, real and mutated, and the known-bad updates in every slot. */
export function collabMessages(): fc.Arbitrary<Uint8Array> {
  const real = realMessages();
  const valid = fc.constantFrom(
    syncMessage(syncProtocol.messageYjsSyncStep1, real.stateVector),
    syncMessage(syncProtocol.messageYjsSyncStep2, real.update),
    syncMessage(syncProtocol.messageYjsUpdate, real.update),
    awarenessMessage(real.awareness),
    new Uint8Array([3]),
    new Uint8Array([0, 0, 0]),
  );
  const known = fc.constantFrom(...KNOWN_BAD_UPDATES).chain((bad) =>
    fc.constantFrom(syncMessage(syncProtocol.messageYjsUpdate, bad), syncMessage(syncProtocol.messageYjsSyncStep2, bad), syncMessage(syncProtocol.messageYjsSyncStep1, bad), awarenessMessage(bad)),
  );
  const unknownType = fc.tuple(fc.integer({ min: 4, max: 2 ** 31 }), fc.uint8Array({ maxLength: 32 })).map(([t, rest]) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, t);
    encoding.writeUint8Array(e, rest);
    return encoding.toUint8Array(e);
  });
  return fc.oneof({ weight: 6, arbitrary: mutated(valid) }, { weight: 2, arbitrary: known }, { weight: 1, arbitrary: unknownType });
}

/** Update payloads alone (for the functions that read an update's bytes). */
export function updatePayloads(): fc.Arbitrary<Uint8Array> {
  const real = realMessages();
  return fc.oneof({ weight: 5, arbitrary: mutated(fc.constant(real.update)) }, { weight: 1, arbitrary: fc.constantFrom(...KNOWN_BAD_UPDATES) });
}

export function stateVectors(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(mutated(fc.constant(realMessages().stateVector)), fc.constantFrom(...KNOWN_BAD_UPDATES));
}
