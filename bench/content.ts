/** Schema-valid document content of a given size, as a Yjs update (tiptapJsonToYDocUpdate, as the seed does). */
import type { JSONContent } from "@tiptap/core";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";

const WORDS = (
  "police harm reduction policy public health decriminalisation drug use community safety evidence reform " +
  "regulation services outreach trust prevention treatment law enforcement discretion people rights " +
  "declaration workshop members agree principles practice support overdose naloxone referral diversion"
).split(" ");

/** A small deterministic PRNG (mulberry32), so documents differ but runs are repeatable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  const s = out.join(" ");
  return s[0]!.toUpperCase() + s.slice(1) + ".";
}

function paragraph(next: () => number, chars: number): JSONContent {
  const content: JSONContent[] = [];
  let length = 0;
  while (length < chars) {
    const text = sentence(next, 6 + Math.floor(next() * 10)) + " ";
    const roll = next();
    if (roll < 0.1) content.push({ type: "text", text, marks: [{ type: "bold" }] });
    else if (roll < 0.15) content.push({ type: "text", text, marks: [{ type: "italic" }] });
    else {
      const last = content[content.length - 1];
      if (last && !last.marks) last.text += text;
      else content.push({ type: "text", text });
    }
    length += text.length;
  }
  return { type: "paragraph", content };
}

/** Tiptap JSON with about `textBytes` of text: headings, paragraphs with some bold/italic, bullet lists. */
export function documentJson(textBytes: number, seed: number): JSONContent {
  const next = random(seed);
  const content: JSONContent[] = [];
  let size = 0;
  let section = 0;
  while (size < textBytes) {
    if (content.length % 8 === 0) {
      const title = `${++section}. ${sentence(next, 4)}`;
      content.push({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: title }] });
      size += title.length;
    } else if (content.length % 8 === 5) {
      const items = Array.from({ length: 3 }, () => paragraph(next, 80));
      content.push({ type: "bulletList", content: items.map((p) => ({ type: "listItem", content: [p] })) });
      size += 240;
    } else {
      const chars = 250 + Math.floor(next() * 400);
      content.push(paragraph(next, chars));
      size += chars;
    }
  }
  return { type: "doc", content };
}

/** A document update of roughly `bytes` bytes. */
export function documentUpdate(bytes: number, seed: number): Uint8Array {
  // The structure (elements, formatting items, attributes) adds about 40 % to the text.
  return tiptapJsonToYDocUpdate(documentJson(Math.round(bytes * 0.7), seed));
}
