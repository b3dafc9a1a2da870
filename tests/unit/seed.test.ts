/**
 * The seed workshops and their draft documents: the expected slugs, schema
 * validity and Yjs round trips of every skeleton, and faithfulness of every
 * passage quoted from the workshop programme.
 */
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as Y from "yjs";
import type { JSONContent } from "@tiptap/core";
import { SEED_WORKSHOPS, purposeText, type SeedOutput, type SeedWorkshop } from "../../app/seed/workshops";
import {
  tiptapJsonToYDocUpdate,
  validateYDocAgainstSchema,
  yDocToTiptapJson,
} from "../../app/editor/document-tools.server";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const programmePath = path.resolve(repoRoot, "../shared/seed/000_c5c26ce4c0e5b070.txt");

const allDocuments = SEED_WORKSHOPS.flatMap((workshop) => workshop.documents);

function normalise(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function outputTexts(outputs: readonly SeedOutput[]): string[] {
  return outputs.flatMap((output) => [output.text, ...outputTexts(output.items)]);
}

function outputSlugs(outputs: readonly SeedOutput[]): string[] {
  return outputs.flatMap((output) => [...output.documentSlugs, ...outputSlugs(output.items)]);
}

/** Every passage the seed presents as programme text, with where it is used. */
function quotedPassages(workshop: SeedWorkshop): Array<{ where: string; text: string }> {
  const passages = [
    ...workshop.description.map((text, i) => ({ where: `${workshop.slug} description ${i + 1}`, text })),
    ...workshop.aims.map((text, i) => ({ where: `${workshop.slug} aim ${i + 1}`, text })),
    ...outputTexts(workshop.outputs).map((text) => ({ where: `${workshop.slug} output`, text })),
    ...workshop.organisers.flatMap((o) => o.about.map((text) => ({ where: `${workshop.slug} organiser ${o.shortName}`, text }))),
    ...workshop.documents.flatMap((d) =>
      d.purpose.filter((s) => s.kind === "quote").map((s) => ({ where: `${d.slug} purpose`, text: s.text })),
    ),
  ];
  if (workshop.objective) passages.push({ where: `${workshop.slug} objective`, text: workshop.objective });
  return passages;
}

function plainText(node: JSONContent): string {
  return (node.text ?? "") + (node.content ?? []).map(plainText).join("");
}

describe("seed workshops", () => {
  it("contains exactly the two LEPH 2023 workshops", () => {
    expect(SEED_WORKSHOPS.map((w) => w.slug)).toEqual(["harm-reduction-policing-2023", "health-security-2023"]);
    const [harm, health] = SEED_WORKSHOPS;
    expect(harm).toMatchObject({
      title: "Law enforcement, harm reduction and drug policy",
      startsOn: "2023-05-19",
      endsOn: "2023-05-20",
      venue: "Umeå University, Norra Beteendevetarhuset, room NBET.A.157",
      feeNote: "Workshop fee 550 SEK excluding VAT",
      event: "LEPH 2023",
    });
    expect(harm?.aims).toHaveLength(5);
    expect(health).toMatchObject({ title: "The role of law enforcement in health security", startsOn: "2023-05-24", endsOn: "2023-05-24" });
    expect(health?.organisers.map((o) => o.shortName)).toEqual(["GLEPHA", "JA TERROR"]);
  });

  it("contains exactly the seven draft documents with their slugs and kinds", () => {
    expect(Object.fromEntries(allDocuments.map((d) => [d.slug, d.kind]))).toEqual({
      "call-for-harm-reduction-policing": "declaration",
      "statement-of-support": "statement",
      "amsterdam-declaration": "declaration",
      "guidance-safe-injecting-facilities": "guidance",
      "guidance-policing-young-drug-users": "guidance",
      "guidance-policing-amphetamines": "guidance",
      "discussion-paper-health-security": "discussion_paper",
    });
    expect(allDocuments).toHaveLength(7);
    expect(allDocuments.every((d) => d.status === "draft")).toBe(true);
    expect(SEED_WORKSHOPS[1]?.documents.map((d) => d.slug)).toEqual(["discussion-paper-health-security"]);
  });

  it("links every harm reduction document to one of the programme's outputs, and only existing documents", () => {
    const [harm] = SEED_WORKSHOPS;
    const slugs = outputSlugs(harm?.outputs ?? []);
    expect(new Set(slugs)).toEqual(new Set(harm?.documents.map((d) => d.slug)));
  });

  it("marks the LEAHN texts as revisions and the call and discussion paper as new", () => {
    const origins = Object.fromEntries(allDocuments.map((d) => [d.slug, d.origin]));
    expect(origins["call-for-harm-reduction-policing"]).toBe("new");
    expect(origins["discussion-paper-health-security"]).toBe("new");
    expect(origins["statement-of-support"]).toBe("leahn-revision");
    expect(origins["amsterdam-declaration"]).toBe("leahn-revision");
  });
});

describe("seed document skeletons", () => {
  it.each(allDocuments.map((d) => [d.slug, d] as const))("%s is valid in the schema and round-trips JSON → Y.Doc update → Y.Doc → JSON identically", (_slug, document) => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, tiptapJsonToYDocUpdate(document.content));
    expect(validateYDocAgainstSchema(ydoc)).toEqual({ ok: true });
    expect(yDocToTiptapJson(ydoc)).toEqual(document.content);
  });

  it.each(allDocuments.map((d) => [d.slug, d] as const))("%s is a title, a purpose paragraph citing the programme, then empty headed sections", (_slug, document) => {
    const [title, purpose, ...rest] = document.content.content ?? [];
    expect(title).toEqual({ type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: document.title }] });
    expect(plainText(purpose ?? {})).toBe(`Purpose (from the workshop programme): ${purposeText(document.purpose)}`);
    expect(document.purpose.some((s) => s.kind === "quote")).toBe(true);
    expect(rest).toHaveLength(document.sections.length * 2);
    document.sections.forEach((section, i) => {
      expect(rest[i * 2]).toEqual({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: section }] });
      expect(rest[i * 2 + 1]).toEqual({ type: "paragraph" });
    });
  });

  it("gives the call the sections the workshop is to write", () => {
    const call = allDocuments.find((d) => d.slug === "call-for-harm-reduction-policing");
    expect(call?.sections).toEqual([
      "Preamble",
      "What we call for",
      "Harm reduction policing",
      "Decriminalisation and regulation of possession for personal use",
      "Signatories' commitments",
    ]);
  });
});

describe("faithfulness to the workshop programme", () => {
  const programme = existsSync(programmePath) ? normalise(readFileSync(programmePath, "utf8")) : null;

  it("quotes every description, objective, aim, output, organiser note and purpose passage verbatim from the programme", (context) => {
    if (programme === null) return context.skip(`programme text not found at ${programmePath}`);
    const passages = SEED_WORKSHOPS.flatMap(quotedPassages);
    expect(passages.length).toBeGreaterThan(20);
    const missing = passages.filter((p) => !programme.includes(normalise(p.text)));
    expect(missing).toEqual([]);
  });
});
