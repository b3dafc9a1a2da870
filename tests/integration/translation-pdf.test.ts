/**
 * The PDF of a published translation (GET /d/:slug/v/:number/pdf?lang=<tag>), fetched from the built server and read
 * back with a PDF parser (pdfjs-dist) as a reader who receives it would: that it is a translation of which version,
 * both SHA-256 (the translation's and the authoritative version's, to which endorsements are bound), the listed
 * signatories and never the hidden ones, that it is outdated once the source moves on; its cache, its link from the
 * translated page, and 404 for hostile or unknown languages. Translations are started and sealed by the domain's
 * own functions (createTranslation, publishTranslation), as organisers do through the API.
 */
import { inflateSync } from "node:zlib";
import type { JSONContent } from "@tiptap/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { getSql } from "../../db/client";
import { canonicalHash, canonicalText } from "../../app/declarations/canonical";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { createTranslation, publishTranslation } from "../../app/models/translations.server";
import { call, person, publishDeclaration, signer, type Declaration, type Signer } from "../support/endorsement-fixtures";
import { startTestServer, type TestServer } from "../support/http-server";
import { pdfQrCode, pdfText } from "../support/pdf-text";

let server: TestServer;
let declaration: Declaration;
const translations: Record<string, { hash: string; sourceHash: string }> = {};
let listed: Signer;
let hidden: Signer;

const squash = (text: string) => text.replace(/\s+/g, " ");
const doc = (blocks: [string, string][]): JSONContent => ({
  type: "doc",
  content: blocks.map(([kind, text]) =>
    kind === "h1" ? { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text }] } : { type: "paragraph", content: [{ type: "text", text }] },
  ),
});

const ENGLISH = doc([["h1", "Police for harm reduction"], ["p", "We call for drug policies that save lives."], ["p", "Naloxone in every patrol car."]]);
const ARABIC = doc([
  ["h1", "الشرطة من أجل الحد من الضرر"],
  ["p", "نطالب بسياسات تنقذ حياة الناس في 27 دولة، مع Naloxone في كل سيارة."],
]);
const CHINESE_LONG = "每一辆巡逻车都应配备纳洛酮，每一位警察都应接受培训，以便在过量用药发生时立即采取行动并挽救生命。".repeat(8);
const CHINESE = doc([["h1", "警察支持减少伤害"], ["p", "我们呼吁制定挽救生命的毒品政策。"], ["p", CHINESE_LONG]]);
const JAPANESE = doc([["h1", "ハームリダクションのための警察"], ["p", "私たちは、命を救う薬物政策を求めます。すべてのパトカーにNaloxoneを配備すること。"]]);
const KOREAN = doc([["h1", "피해 감소를 위한 경찰"], ["p", "우리는 생명을 구하는 마약 정책을 요구합니다. 모든 순찰차에 날록손(Naloxone)을 배치해야 합니다."]]);
const FRENCH = doc([["h1", "La police pour la réduction des risques"], ["p", "Nous demandons des politiques qui sauvent des vies."], ["p", "De la naloxone dans chaque voiture de patrouille."]]);

/** A named version of `documentId` from Tiptap JSON, as the versions feature stores it; returns its id. */
async function namedVersion(documentId: string, json: JSONContent, name: string): Promise<{ id: string; plain: string; html: string }> {
  const sql = getSql();
  const node = tiptapJsonToProseMirror(json);
  const plain = documentPlainText(node);
  const html = renderDocumentHtml(node);
  const [row] = await sql<{ id: string }[]>`
    insert into document_versions (document_id, name, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${documentId}, ${name}, 0, ${Buffer.alloc(0)}, ${sql.json(json as never)}, ${html}, ${plain})
    returning id`;
  return { id: row!.id, plain, html };
}

/** Seal the declaration's next published version from Tiptap JSON. */
async function publishSource(d: Declaration, json: JSONContent): Promise<{ number: number; sha256: string }> {
  const version = await namedVersion(d.documentId, json, `Source ${d.versions.length + 1}`);
  const text = canonicalText(version.plain);
  const sha256 = canonicalHash(text);
  const number = d.versions.length + 1;
  const [published] = await getSql()<{ id: string }[]>`
    insert into published_versions (document_id, number, version_id, title, canonical_text, html, sha256, published_by)
    values (${d.documentId}, ${number}, ${version.id}, 'Police for harm reduction', ${text}, ${version.html}, ${sha256}, ${d.organiser.id})
    returning id`;
  d.versions.push({ id: published!.id, number, sha256 });
  return { number, sha256 };
}

/** Start a translation of version `number` into `language`, translate it to `json` and publish it. */
async function publishTranslated(d: Declaration, number: number, language: string, json: JSONContent): Promise<{ hash: string; sourceHash: string }> {
  const { documentId } = await createTranslation({ sourceDocumentId: d.documentId, versionNumber: number, language, actorId: d.organiser.id });
  const version = await namedVersion(documentId, json, `${language} translation`);
  const published = await publishTranslation({ documentId, versionId: version.id, actorId: d.organiser.id });
  return { hash: published.hash, sourceHash: published.sourceVersion.hash };
}

/**
 * The glyph codes every text-showing operator draws, from the PDF's inflated content streams (pdfkit writes text as
 * hex strings of glyph ids in subset fonts, where 0 is .notdef: the empty box of a missing glyph).
 */
function drawnGlyphCodes(bytes: Uint8Array): string[] {
  const raw = Buffer.from(bytes);
  const codes: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf("stream\n", at);
    if (start < 0) break;
    const end = raw.indexOf("\nendstream", start);
    let content = "";
    try {
      content = inflateSync(raw.subarray(start + 7, end)).toString("latin1");
    } catch {
      content = ""; // a stream that is not deflated content (none of ours carry text that way)
    }
    for (const show of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) for (const hex of show[1]!.matchAll(/<([0-9a-fA-F]+)>/g)) codes.push(...hex[1]!.match(/.{4}/g)!);
    at = end + 10;
  }
  return codes;
}

/** Every piece of text pdf.js finds, with where it is drawn (PDF points, y from the bottom) and how wide it is. */
async function placedText(bytes: Uint8Array): Promise<{ page: number; str: string; x: number; y: number; width: number; pageWidth: number }[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const out = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const pageWidth = page.view[2]!;
      for (const item of (await page.getTextContent()).items) {
        if (!("str" in item) || item.str.trim() === "") continue;
        out.push({ page: n, str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width, pageWidth });
      }
    }
    return out;
  } finally {
    await pdf.destroy();
  }
}

async function fetchPdf(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, read: () => pdfText(bytes) };
}

async function endorse(who: Signer, body: unknown): Promise<void> {
  const res = await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: who.cookie, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
}

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
  await publishSource(declaration, ENGLISH);
  translations.fr = await publishTranslated(declaration, 2, "fr", FRENCH);
  translations.ar = await publishTranslated(declaration, 2, "ar", ARABIC);
  translations.zh = await publishTranslated(declaration, 2, "zh", CHINESE);
  translations.ja = await publishTranslated(declaration, 2, "ja", JAPANESE);
  translations.ko = await publishTranslated(declaration, 2, "ko", KOREAN);
  listed = await signer({ name: "Paweł Łukasiewicz" });
  hidden = await signer({ name: "Hilda Hidden" });
  await endorse(listed, person({ name: "Paweł Łukasiewicz", country: "PL", publicFields: ["name", "country"] }));
  await endorse(await signer({ name: "محمد حسن" }), person({ name: "محمد حسن", country: "EG", publicFields: ["name", "country"] }));
  await endorse(await signer({ name: "कविता 李华" }), person({ name: "कविता 李华", country: "IN", publicFields: ["name", "country"] }));
  await endorse(hidden, person({ name: "Hilda Hidden", role: "Undercover Detective", publicFields: ["country"] }));
});

afterAll(async () => {
  await server?.close();
});

describe("the PDF of a published translation", () => {
  const frPath = () => `/d/${declaration.slug}/v/2/pdf?lang=fr`;

  it("says plainly it is a translation of version 2 into French, with its own SHA-256 and the authoritative one endorsements are bound to", async () => {
    const { res, bytes, read } = await fetchPdf(frPath());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${declaration.slug}-v2-fr.pdf"`);
    const { text, pages, info } = await read();
    const flat = squash(text);
    const { hash, sourceHash } = translations.fr!;
    expect(sourceHash).toBe(declaration.versions[1]!.sha256);
    for (const piece of ["La police pour la réduction des risques", "Nous demandons des politiques qui sauvent des vies.", "De la naloxone dans chaque voiture de patrouille."]) {
      expect(flat).toContain(piece);
    }
    expect(flat).toContain("Published translation · Accord");
    expect(flat).toContain("This is a translation into French of version 2 of the authoritative text. Endorsements are bound to the authoritative text, not to this translation.");
    expect(flat).toContain(`SHA-256 of this translation's canonical text: ${hash}`);
    expect(flat).toContain(`SHA-256 of version 2, the authoritative text it translates, to which endorsements are bound: ${sourceHash}`);
    expect(flat.split(`SHA-256 ${hash}`).length - 1, "the translation's SHA-256 in each page's footer").toBe(pages);
    expect(flat).toContain("Translation (French) of version 2");
    expect(flat, "a current translation is not called outdated").not.toContain("outdated");
    expect(flat).not.toContain("We call for drug policies");
    expect(String(info.Subject)).toContain(hash);
    expect(Buffer.from(bytes).toString("latin1"), "/Lang is the translation's language").toMatch(/\/Lang \(fr\)/);
  });

  it("has a QR code that a phone reads as the translation's verification URL, which recognises the translation", async () => {
    const { bytes, read } = await fetchPdf(frPath());
    const { pages } = await read();
    const url = new URL((await pdfQrCode(bytes, pages)) ?? "about:blank");
    expect(url.pathname + url.search).toBe(`/verify?hash=${translations.fr!.hash}`);
    const verify = await (await fetch(`${server.url}${url.pathname}${url.search}`)).text();
    expect(verify).toContain("This is exactly a published translation.");
  });

  it("carries the authoritative version's annex: listed names present, hidden ones absent, the page's counts", async () => {
    const flat = squash((await (await fetchPdf(frPath())).read()).text);
    expect(flat).toContain("Annex: Signatories");
    expect(flat).toContain("Paweł Łukasiewicz");
    expect(flat).toContain("Endorsing version 2");
    for (const secret of ["Hilda Hidden", "Undercover Detective", hidden.user.email, listed.user.email]) expect(flat).not.toContain(secret);
  });

  it("says its fixed words in the reader's interface language, the text staying French", async () => {
    const flat = squash((await (await fetchPdf(frPath(), { "accept-language": "sv" })).read()).text);
    expect(flat).toContain("Det här är en översättning till franska av version 2 av den giltiga texten.");
    expect(flat).toContain("Nous demandons des politiques qui sauvent des vies.");
    expect(flat).not.toContain("This is a translation");
  });

  it("is cached with a strong ETag (304 on If-None-Match), distinct from the original's", async () => {
    const first = await fetchPdf(frPath());
    const etag = first.res.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect((await fetchPdf(frPath())).res.headers.get("etag")).toBe(etag);
    expect((await fetch(`${server.url}${frPath()}`, { headers: { "if-none-match": etag! } })).status).toBe(304);
    expect((await fetchPdf(`/d/${declaration.slug}/v/2/pdf`)).res.headers.get("etag")).not.toBe(etag);
    expect((await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=FR`)).res.headers.get("etag"), "the tag is compared canonically").toBe(etag);
  });

  it("is linked from the translation's public page, where the original's PDF link is", async () => {
    const page = await (await fetch(`${server.url}/d/${declaration.slug}?lang=fr`)).text();
    expect(page).toContain(`href="/d/${declaration.slug}/v/2/pdf?lang=fr"`);
    const original = await (await fetch(`${server.url}/d/${declaration.slug}`)).text();
    expect(original).toContain(`href="/d/${declaration.slug}/v/2/pdf"`);
    expect(original).not.toContain("pdf?lang=");
  });

  it("answers 404, without echoing it, for a language with no translation and for hostile lang values", async () => {
    const hostile = ["de", "en", "x".repeat(5000), "<script>alert(1)</script>", "en_US", "", "fr-", "fr;drop", "und"];
    for (const lang of hostile) {
      const res = await fetch(`${server.url}/d/${declaration.slug}/v/2/pdf?lang=${encodeURIComponent(lang)}`);
      expect(res.status, lang.slice(0, 20)).toBe(404);
      expect(res.headers.get("content-type") ?? "").not.toContain("application/pdf");
      const body = await res.text();
      if (lang.length > 3) expect(body, lang.slice(0, 20)).not.toContain(lang);
    }
    for (const path of [`/d/${declaration.slug}/v/1/pdf?lang=fr`, `/d/${declaration.slug}/v/3/pdf?lang=fr`, `/d/no-such-declaration/v/2/pdf?lang=fr`]) {
      expect((await fetch(server.url + path)).status, path).toBe(404);
    }
  });

  it("sets an Arabic translation right to left: shaped, in reading order when extracted, numbers and Latin names in place, /Lang ar", async () => {
    const { res, bytes, read } = await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=ar`);
    expect(res.status).toBe(200);
    const { text } = await read();
    const solid = text.replace(/\s+/g, "");
    // pdf.js gives right-to-left text back in logical order; word spacing is a reader's guess, so compare without it.
    for (const phrase of ["الشرطة من أجل الحد من الضرر", "نطالب بسياسات تنقذ حياة الناس في 27 دولة، مع Naloxone في كل سيارة."]) {
      expect(solid).toContain(phrase.replace(/\s+/g, ""));
    }
    expect(solid, "a listed Arabic name, in order").toContain("محمدحسن");
    expect(squash(text)).toContain(`SHA-256 ${translations.ar!.hash}`);
    expect(squash(text)).toContain("This is a translation into Arabic of version 2");
    expect(Buffer.from(bytes).toString("latin1")).toMatch(/\/Lang \(ar\)/);
  });

  it("never draws a missing glyph: what no font has is written as its code point, not dropped", async () => {
    for (const lang of ["ar", "fr"]) {
      const { bytes, read } = await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=${lang}`);
      const codes = drawnGlyphCodes(bytes);
      expect(codes.length, "glyphs were found in the content streams").toBeGreaterThan(500);
      expect(codes.filter((c) => c === "0000"), `.notdef drawn in the ${lang} PDF`).toEqual([]);
      const flat = squash((await read()).text);
      expect(flat, "a name in a script no font here covers (Devanagari), then one in Chinese, which Source Han Sans draws").toContain("[U+0915][U+0935][U+093F][U+0924][U+093E] 李华");
    }
  });

  it("tags its links and QR codes: Link elements holding each annotation (/OBJR, /StructParent), the code a Figure whose /Alt says what it encodes", async () => {
    interface Node { role?: string; type?: string; alt?: string; children?: Node[] }
    const { bytes } = await fetchPdf(frPath());
    const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
    try {
      for (let n = 1; n <= pdf.numPages; n++) {
        const page = await pdf.getPage(n);
        const annotations = (await page.getAnnotations()) as { subtype: string; structParent?: number; url?: string }[];
        const links: Node[] = [];
        const walk = (node: Node) => {
          if (node.role === "Link") links.push(node);
          node.children?.forEach(walk);
        };
        walk((await page.getStructTree()) as Node);
        const objects = links.flatMap((l) => l.children ?? []).filter((c) => c.type === "object");
        expect(annotations.length, `page ${n} has links`).toBeGreaterThanOrEqual(2);
        expect(annotations.every((a) => a.subtype === "Link" && Number.isInteger(a.structParent)), `page ${n}: every annotation has its /StructParent`).toBe(true);
        expect(objects.length, `page ${n}: one /OBJR per annotation, in Link elements`).toBe(annotations.length);
        const figures = links.flatMap((l) => l.children ?? []).filter((c) => c.role === "Figure");
        expect(figures.map((f) => f.alt), `page ${n}`).toEqual([expect.stringMatching(/^QR code of the verification URL: https?:\/\/\S+\/verify\?hash=[0-9a-f]{64}$/)]);
        expect(figures[0]!.alt!.endsWith(`/verify?hash=${translations.fr!.hash}`)).toBe(true);
        expect(new Set(annotations.map((a) => new URL(a.url!).pathname + new URL(a.url!).search))).toEqual(new Set([`/verify?hash=${translations.fr!.hash}`]));
      }
    } finally {
      await pdf.destroy();
    }
  });

  describe("in Chinese, Japanese and Korean", () => {
    const cases = [
      { lang: "zh", json: CHINESE, language: "Chinese" },
      { lang: "ja", json: JAPANESE, language: "Japanese" },
      { lang: "ko", json: KOREAN, language: "Korean" },
    ];
    const solidly = (text: string) => text.replace(/\s+/g, "");

    it.each(cases)("sets a $language translation in a CJK font: its words extractable, no code-point placeholders, no missing glyph, /Lang $lang", async ({ lang, json }) => {
      const { res, bytes, read } = await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=${lang}`);
      expect(res.status).toBe(200);
      const { text } = await read();
      // pdf.js guesses the spaces between pieces of CJK text; compare without them.
      for (const block of json.content!) expect(solidly(text)).toContain(solidly(block.content![0]!.text!));
      expect(text.match(/\[U\+[0-9A-F]+\]/g), "only the Devanagari name is written as code points").toEqual(["[U+0915]", "[U+0935]", "[U+093F]", "[U+0924]", "[U+093E]"]);
      expect(drawnGlyphCodes(bytes).filter((c) => c === "0000"), `.notdef drawn in the ${lang} PDF`).toEqual([]);
      expect(Buffer.from(bytes).toString("latin1")).toMatch(new RegExp(`/Lang \\(${lang}\\)`));
    });

    it.each(cases)("embeds only a subset of the CJK font in the $language PDF (well under a megabyte)", async ({ lang }) => {
      const { bytes } = await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=${lang}`);
      const latin = (await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=fr`)).bytes;
      expect(Buffer.from(bytes).toString("latin1"), "a Source Han Sans subset").toMatch(/\/BaseFont \/[A-Z]{6}\+SourceHanSans-Regular/);
      expect(bytes.length - latin.length, `the ${lang} PDF's extra bytes`).toBeLessThan(400_000);
    });

    it("wraps a long Chinese paragraph without spaces between ideographs, every line inside the page's text box", async () => {
      const { bytes } = await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=zh`);
      const placed = await placedText(bytes);
      const left = 64;
      const outside = placed.filter((p) => p.x < left - 0.5 || p.x + p.width > p.pageWidth - left + 0.5);
      expect(outside.map((p) => `${p.str} @${p.x.toFixed(1)}+${p.width.toFixed(1)}`)).toEqual([]);
      const paragraph = placed.filter((p) => /[每纳洛酮]/.test(p.str) && p.page === 1);
      const lines = new Set(paragraph.map((p) => Math.round(p.y)));
      expect(lines.size, "the 400-character paragraph takes several lines").toBeGreaterThanOrEqual(6);
      expect(solidly(placed.map((p) => p.str).join("")), "and loses no character on the way").toContain(CHINESE_LONG);
    });

    it("keeps Japanese kana, kanji and Latin in order, and every line of the Korean and Japanese PDFs inside the text box", async () => {
      for (const lang of ["ja", "ko"]) {
        const placed = await placedText((await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=${lang}`)).bytes);
        expect(placed.filter((p) => p.x < 63.5 || p.x + p.width > p.pageWidth - 63.5).map((p) => p.str), lang).toEqual([]);
      }
      const { text } = await (await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=ja`)).read();
      expect(solidly(text)).toContain("すべてのパトカーにNaloxoneを配備すること。");
      const korean = squash((await (await fetchPdf(`/d/${declaration.slug}/v/2/pdf?lang=ko`)).read()).text);
      expect(korean, "Korean keeps its spaces between words").toContain("피해 감소를 위한 경찰");
    });
  });

  it("says it is outdated once the authoritative text has a newer version, and lists that version's own signatories", async () => {
    await publishSource(declaration, doc([["h1", "Police for harm reduction"], ["p", "We call for drug policies that save lives, now."]]));
    const flat = squash((await (await fetchPdf(frPath())).read()).text);
    expect(flat).toContain("This translation is outdated: it translates version 2, and the authoritative text is now at version 3");
    expect(flat).toContain(translations.fr!.hash);
    expect(flat).toContain("Paweł Łukasiewicz");
    expect(flat).toContain("endorsed version 2");
    expect(flat).not.toContain("Hilda Hidden");
    const page = await (await fetch(`${server.url}/d/${declaration.slug}?lang=fr`)).text();
    expect(page).toContain(`href="/d/${declaration.slug}/v/2/pdf?lang=fr"`);
  });
});
