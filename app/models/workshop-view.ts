/**
 * What the workshop and document pages show, as pure data (also used in the browser):
 * labels for document kinds and statuses, and the seed's extra workshop fields read safely from
 * `workshops.details` (jsonb, so every value is checked before it is shown).
 */
import type { DocumentWithRole } from "../../db/access";

export type DocumentKind = DocumentWithRole["kind"];
export type DocumentStatus = DocumentWithRole["status"];

export const KIND_LABELS: Record<DocumentKind, string> = {
  declaration: "Declaration",
  statement: "Statement",
  guidance: "Guidance note",
  discussion_paper: "Discussion paper",
};

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  draft: "Draft",
  published: "Published",
  archived: "Archived",
};

export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/** The CSS class of a status badge ("badge draft", "badge published"). */
export function statusBadgeClass(status: string): string {
  return status === "draft" || status === "published" ? `badge ${status}` : "badge";
}

export interface WorkshopOutput {
  text: string;
  documentSlugs: string[];
  items: WorkshopOutput[];
}

export interface WorkshopOrganiser {
  name: string;
  shortName: string | null;
  about: string[];
}

export interface WorkshopDetails {
  event: string | null;
  feeNote: string | null;
  partner: string | null;
  organisers: WorkshopOrganiser[];
  objective: string | null;
  aims: string[];
  outputs: WorkshopOutput[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "") : []);

function outputs(v: unknown, depth: number): WorkshopOutput[] {
  if (!Array.isArray(v) || depth > 4) return [];
  return v.flatMap((item): WorkshopOutput[] => {
    if (!isRecord(item)) return [];
    const t = text(item.text);
    return t ? [{ text: t, documentSlugs: texts(item.documentSlugs), items: outputs(item.items, depth + 1) }] : [];
  });
}

function organisers(v: unknown): WorkshopOrganiser[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((item): WorkshopOrganiser[] => {
    if (!isRecord(item)) return [];
    const name = text(item.name);
    return name ? [{ name, shortName: text(item.shortName), about: texts(item.about) }] : [];
  });
}

/** The seed's extra fields (see app/seed/workshops.ts); anything missing or malformed is left out. */
export function readWorkshopDetails(details: unknown): WorkshopDetails {
  const d = isRecord(details) ? details : {};
  return {
    event: text(d.event),
    feeNote: text(d.feeNote),
    partner: text(d.partner),
    organisers: organisers(d.organisers),
    objective: text(d.objective),
    aims: texts(d.aims),
    outputs: outputs(d.outputs, 0),
  };
}

/** The description column holds paragraphs separated by blank lines. */
export function descriptionParagraphs(description: string): string[] {
  return description
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}
