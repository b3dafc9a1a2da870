import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import { documentUpdate } from "./content";
const variants = Array.from({ length: 50 }, (_, i) => documentUpdate(20_000, 1000 + i));
const gc = (globalThis as { gc?: () => void }).gc!;
function heap() { gc(); gc(); return process.memoryUsage().heapUsed / 1048576; }
const base = heap();
const docs: Y.Doc[] = [];
for (let i = 0; i < 1000; i++) { const d = new Y.Doc({ gc: true }); Y.applyUpdate(d, Y.mergeUpdates([variants[i % 50]!])); docs.push(d); }
const h1 = heap();
console.log("docs only: per doc kB", ((h1 - base) * 1024 / 1000).toFixed(1));
const aw = docs.map((d) => { const a = new awarenessProtocol.Awareness(d); a.setLocalState(null); return a; });
const h2 = heap();
console.log("awareness per doc kB", ((h2 - h1) * 1024 / 1000).toFixed(1));
const full = docs.map((d) => Y.encodeStateAsUpdate(d));
const h3 = heap();
console.log("fullState cache per doc kB", ((h3 - h2) * 1024 / 1000).toFixed(1), "external MB", (process.memoryUsage().arrayBuffers/1048576).toFixed(1));
const structs = docs[0]!.store.clients.values().next().value!.length;
console.log("structs in doc 0:", structs, "update bytes", variants[0]!.byteLength);
void aw; void full;
