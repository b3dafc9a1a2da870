/**
 * Who wrote what, from the update log. Every row of `document_updates` carries the Yjs update a connection sent and
 * the author the server stamped on it (the collaboration server refuses updates that use a client ID another account
 * writes with), so each row tells which (client ID, clock range) it brought in and who and when. The current document's
 * items keep their (client, clock) IDs: walking its textblocks and looking each piece of text up in those ranges
 * attributes every character still there (deleted text has no place in the document and is not attributed).
 *
 * Large logs stay fast: the ranges and a copy of the document are cached per document at the log seq they reflect,
 * and a later request reads and applies only the rows after it. Requests for one document run one after another.
 * A clock range that a row brings again (a re-sent update) keeps its first author.
 */
import * as Y from "yjs";
import { findNewestSnapshot, listAuthorNames, listAuthoredRowsAfter, type AuthoredRow } from "../../db/authorship";
import { YJS_FIELD, getEditorSchema } from "../editor/extensions";
import { UNKNOWN_AUTHOR, type Authorship, type AuthorshipParagraph } from "../editor/authorship";

/** How many documents' attribution is kept in memory (least recently used dropped first). */
const CACHED_DOCUMENTS = 16;

/** The clock ranges one client ID brought in, in order and without overlap; `rows[i]` wrote [starts[i], ends[i]). */
interface ClientSpans {
  starts: number[];
  ends: number[];
  rows: number[];
}

interface Attribution {
  seq: number;
  doc: Y.Doc;
  spans: Map<number, ClientSpans>;
  /** Author and time of each row that brought content in (indexes of ClientSpans.rows). */
  writers: { userId: string | null; at: number }[];
  answer: Authorship | null;
}

const cache = new Map<string, Attribution>();
const queues = new Map<string, Promise<unknown>>();

/** Who wrote each paragraph of the document as it is now (the caller has checked the reader may read it). */
export function getAuthorship(documentId: string): Promise<Authorship> {
  const previous = queues.get(documentId) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => computeAuthorship(documentId));
  queues.set(documentId, run);
  void run.finally(() => {
    if (queues.get(documentId) === run) queues.delete(documentId);
  }).catch(() => undefined);
  return run;
}

/** Forget cached attribution (tests; a document deleted). */
export function forgetAuthorship(documentId?: string): void {
  if (documentId) cache.get(documentId)?.doc.destroy();
  else for (const entry of cache.values()) entry.doc.destroy();
  if (documentId) cache.delete(documentId);
  else cache.clear();
}

async function computeAuthorship(documentId: string): Promise<Authorship> {
  let entry = cache.get(documentId);
  if (entry) {
    const rows = await listAuthoredRowsAfter(documentId, entry.seq);
    if (rows.length > 0) extend(entry, rows);
  } else {
    entry = await loadAttribution(documentId);
  }
  cache.delete(documentId);
  cache.set(documentId, entry);
  while (cache.size > CACHED_DOCUMENTS) {
    const [oldest] = cache.keys();
    forgetAuthorship(oldest!);
  }
  entry.answer ??= await answerOf(entry);
  return entry.answer;
}

/** Rows decoded between two turns of the event loop on a cold load (the collaboration server shares the process). */
const ROWS_PER_TURN = 2000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function loadAttribution(documentId: string): Promise<Attribution> {
  const [snapshot, rows] = await Promise.all([findNewestSnapshot(documentId), listAuthoredRowsAfter(documentId, 0)]);
  const entry: Attribution = { seq: 0, doc: new Y.Doc({ gc: true }), spans: new Map(), writers: [], answer: null };
  const fromSnapshot = snapshot !== null && rows.some((r) => r.seq === snapshot.seq);
  for (let i = 0; i < rows.length; i += ROWS_PER_TURN) {
    for (const row of rows.slice(i, i + ROWS_PER_TURN)) recordRow(entry, row);
    await nextTurn();
  }
  if (fromSnapshot) {
    Y.applyUpdate(entry.doc, snapshot.state);
    await nextTurn();
  }
  if (rows.length > 0) applyRows(entry, rows, fromSnapshot ? snapshot.seq : 0);
  return entry;
}

/** Record the ranges the rows brought in, and apply them to the cached document. */
function extend(entry: Attribution, rows: AuthoredRow[]): void {
  for (const row of rows) recordRow(entry, row);
  applyRows(entry, rows, 0);
}

/** Apply the rows after `appliedUpTo` to the cached document, which then reflects the last row. */
function applyRows(entry: Attribution, rows: AuthoredRow[], appliedUpTo: number): void {
  // One by one in one transaction: Y.mergeUpdates of many co-edited updates takes minutes (measured: 30,000 rows).
  Y.transact(entry.doc, () => {
    for (const row of rows) {
      if (row.seq <= appliedUpTo) continue;
      try {
        Y.applyUpdate(entry.doc, row.update);
      } catch {
        // Never stored by the server (it applies every update before logging it); a row written by other means is skipped.
      }
    }
  });
  entry.seq = rows[rows.length - 1]!.seq;
  entry.answer = null;
}

function recordRow(entry: Attribution, row: AuthoredRow): void {
  let structs: Array<Y.Item | Y.GC | Y.Skip>;
  try {
    structs = (Y.decodeUpdate(row.update) as { structs: Array<Y.Item | Y.GC | Y.Skip> }).structs;
  } catch {
    return; // the server stores only updates it decoded; a row that does not decode brings nothing to attribute
  }
  let writer = -1;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (writer < 0) {
      writer = entry.writers.length;
      entry.writers.push({ userId: row.userId, at: row.createdAtMs });
    }
    addSpan(entry.spans, struct.id.client, struct.id.clock, struct.id.clock + struct.length, writer);
  }
}

function addSpan(spans: Map<number, ClientSpans>, client: number, from: number, to: number, writer: number): void {
  let list = spans.get(client);
  if (!list) spans.set(client, (list = { starts: [], ends: [], rows: [] }));
  const last = list.ends.length - 1;
  const start = last >= 0 ? Math.max(from, list.ends[last]!) : from;
  if (start >= to) return; // already brought in by an earlier row
  if (last >= 0 && list.rows[last] === writer && list.ends[last] === start) {
    list.ends[last] = to;
    return;
  }
  list.starts.push(start);
  list.ends.push(to);
  list.rows.push(writer);
}

/** The first span of `list` that ends after `clock`. */
function firstSpanAfter(list: ClientSpans, clock: number): number {
  let lo = 0;
  let hi = list.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list.ends[mid]! <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A piece of a paragraph, written by one row (-1: by nobody the log knows). */
type Piece = { from: number; to: number; writer: number };

/** Split an item of `length` positions at `offset` into the rows that wrote its clocks. */
function piecesOf(spans: Map<number, ClientSpans>, id: Y.ID, length: number, offset: number, out: Piece[]): void {
  const list = spans.get(id.client);
  const end = id.clock + length;
  let clock = id.clock;
  if (list) {
    for (let i = firstSpanAfter(list, clock); i < list.starts.length && clock < end; i++) {
      const spanStart = list.starts[i]!;
      if (spanStart >= end) break;
      if (spanStart > clock) {
        out.push({ from: offset + clock - id.clock, to: offset + spanStart - id.clock, writer: -1 });
        clock = spanStart;
      }
      const upTo = Math.min(end, list.ends[i]!);
      out.push({ from: offset + clock - id.clock, to: offset + upTo - id.clock, writer: list.rows[i]! });
      clock = upTo;
    }
  }
  if (clock < end) out.push({ from: offset + clock - id.clock, to: offset + length, writer: -1 });
}

/** The pieces of one textblock, positions counted inside it as ProseMirror does. */
function paragraphPieces(element: Y.XmlElement, spans: Map<number, ClientSpans>): { pieces: Piece[]; size: number } {
  const pieces: Piece[] = [];
  let offset = 0;
  for (let item = element._start; item; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentType && content.type instanceof Y.XmlText) {
      for (let t = content.type._start; t; t = t.right) {
        if (t.deleted || !(t.content instanceof Y.ContentString || t.content instanceof Y.ContentEmbed)) continue;
        piecesOf(spans, t.id, t.length, offset, pieces);
        offset += t.length;
      }
    } else if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement) {
      // An inline leaf (a line break): one position, written by whoever inserted the element.
      piecesOf(spans, item.id, 1, offset, pieces);
      offset += 1;
    }
  }
  return { pieces, size: offset };
}

/** Every textblock of the fragment, in document order. */
function textblocks(parent: Y.XmlFragment | Y.XmlElement, out: Y.XmlElement[]): Y.XmlElement[] {
  const schema = getEditorSchema();
  for (let item = parent._start; item; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement)) continue;
    const element = item.content.type;
    if (schema.nodes[element.nodeName]?.isTextblock) out.push(element);
    else textblocks(element, out);
  }
  return out;
}

async function answerOf(entry: Attribution): Promise<Authorship> {
  const blocks = textblocks(entry.doc.getXmlFragment(YJS_FIELD), []);
  // Authors by account (null: the system or a removed account), then numbered by how much they wrote.
  const who = (writer: number) => (writer < 0 ? null : entry.writers[writer]!.userId);
  const when = (writer: number) => (writer < 0 ? null : entry.writers[writer]!.at);
  const isoOf = new Map<number, string>();
  const iso = (ms: number | null): string | null => {
    if (ms === null) return null;
    let text = isoOf.get(ms);
    if (text === undefined) isoOf.set(ms, (text = new Date(ms).toISOString()));
    return text;
  };
  const characters = new Map<string | null, number>();
  const laidOut = blocks.map((block) => {
    const { pieces, size } = paragraphPieces(block, entry.spans);
    for (const p of pieces) characters.set(who(p.writer), (characters.get(who(p.writer)) ?? 0) + p.to - p.from);
    return { pieces, size };
  });
  const order = [...characters.entries()].sort((a, b) => b[1] - a[1]);
  const names = await listAuthorNames(order.map(([id]) => id).filter((id): id is string => id !== null));
  const index = new Map(order.map(([id], i) => [id, i]));

  const paragraphs: AuthorshipParagraph[] = laidOut.map(({ pieces, size }) => {
    const runs: AuthorshipParagraph["runs"] = [];
    const spans = new Map<number, { first: number | null; last: number | null }>();
    let lastAt: number | null = null;
    for (const p of pieces) {
      const author = index.get(who(p.writer))!;
      const at = when(p.writer);
      const seen = spans.get(author);
      if (!seen) spans.set(author, { first: at, last: at });
      else if (at !== null) {
        seen.first = seen.first === null ? at : Math.min(seen.first, at);
        seen.last = seen.last === null ? at : Math.max(seen.last, at);
      }
      const previous = runs[runs.length - 1];
      if (previous && previous.author === author && previous.to === p.from) {
        previous.to = p.to;
        if (at !== null && (lastAt === null || at > lastAt)) previous.at = iso((lastAt = at));
      } else {
        lastAt = at;
        runs.push({ author, from: p.from, to: p.to, at: iso(at) });
      }
    }
    const authors = [...spans.entries()]
      .map(([author, s]) => ({ author, first: iso(s.first), last: iso(s.last) }))
      .sort((a, b) => (a.first ?? "").localeCompare(b.first ?? "") || a.author - b.author);
    return { size, runs, authors };
  });

  return {
    seq: entry.seq,
    authors: order.map(([id, count]) => ({ name: id === null ? UNKNOWN_AUTHOR : (names.get(id) ?? UNKNOWN_AUTHOR), characters: count })),
    paragraphs,
  };
}
