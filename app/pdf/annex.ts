/**
 * The PDF's annex of signatories, in the public page's words and grouping (app/declarations/public-view.ts): only public
 * entries (db/public-endorsements.ts: withdrawn and hidden endorsements are neither listed nor counted; a signer who
 * did not make their name public is listed by the facts they chose, "A serving police officer, Sweden", and counted).
 *
 * The current version's annex is the declaration page's list: those endorsing it, then those who endorsed only an
 * earlier version, with the page's counts. An earlier version's annex lists the public endorsements of that version.
 * Within each, organisations first, then individuals, in the order the page gives them. Pure.
 */
import type { PublicCounts, PublicEndorsement } from "../../db/public-endorsements";
import { SIGNATORIES_OF_EARLIER, signatoriesOfVersion } from "../declarations/endorsement-words";
import { countsSentence, kindsSentence, safeWebsite, signatoryLine, type SignatoryLine } from "../declarations/public-view";

export interface AnnexGroup {
  heading: string;
  lines: SignatoryLine[];
}

export interface AnnexSection {
  heading: string;
  note: string | null;
  groups: AnnexGroup[];
}

export interface Annex {
  /** "128 endorse version 3; 14 endorsed an earlier version" */
  counts: string;
  details: string[];
  sections: AnnexSection[];
  /** Said after the lists: that only the first N are listed. */
  after: string | null;
}

const PRIVACY_NOTE =
  "Only what each signatory chose to make public is shown. Those who did not make their name public are listed by the facts they chose to share and are counted; withdrawn endorsements are neither listed nor counted.";

function groups(lines: SignatoryLine[]): AnnexGroup[] {
  const organisations = lines.filter((l) => l.kind === "organisation");
  const individuals = lines.filter((l) => l.kind === "individual");
  const out: AnnexGroup[] = [];
  if (organisations.length > 0) out.push({ heading: `Organisations (${organisations.length.toLocaleString("en-GB")})`, lines: organisations });
  if (individuals.length > 0) out.push({ heading: `Individuals (${individuals.length.toLocaleString("en-GB")})`, lines: individuals });
  return out;
}

const lineOf = (e: PublicEndorsement): SignatoryLine => {
  const line = signatoryLine(e);
  return { ...line, website: safeWebsite(line.website) };
};

function truncationNote(listed: number, total: number, listUrl: string): string | null {
  if (listed >= total) return null;
  return `The first ${listed.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} entries are listed here; all of them are at ${listUrl}.`;
}

/** The current version's annex: the page's counted list (`entries`, possibly cut at a limit) and counts. */
export function currentAnnex(o: { entries: PublicEndorsement[]; total: number; counts: PublicCounts; number: number; listUrl: string }): Annex {
  const lines = o.entries.map(lineOf);
  const current = lines.filter((l) => l.versionNumber === o.number);
  const earlier = lines.filter((l) => l.versionNumber !== o.number).map((l) => ({ ...l, details: [...l.details, `version ${l.versionNumber}`] }));
  const details = [`Version ${o.number}: ${kindsSentence(o.counts.individuals, o.counts.organisations)}.`];
  if (o.counts.earlier > 0) details.push(`Earlier versions: ${kindsSentence(o.counts.earlierIndividuals, o.counts.earlierOrganisations)}.`);
  details.push(PRIVACY_NOTE);
  const sections: AnnexSection[] = [
    { heading: signatoriesOfVersion(o.number), note: current.length === 0 ? `Nobody has endorsed version ${o.number} yet.` : null, groups: groups(current) },
  ];
  if (earlier.length > 0) {
    sections.push({
      heading: SIGNATORIES_OF_EARLIER,
      note: `These endorsements are bound to the version they signed and are not counted as endorsing version ${o.number}.`,
      groups: groups(earlier),
    });
  }
  return { counts: countsSentence(o.counts, o.number), details, sections, after: truncationNote(o.entries.length, o.total, o.listUrl) };
}

/** An earlier version's annex: the public endorsements of that very version. */
export function earlierAnnex(o: {
  entries: PublicEndorsement[];
  individuals: number;
  organisations: number;
  number: number;
  currentNumber: number;
  listUrl: string;
}): Annex {
  const total = o.individuals + o.organisations;
  const lines = o.entries.map(lineOf);
  return {
    counts: `${total.toLocaleString("en-GB")} endorsed version ${o.number}`,
    details: [
      `${kindsSentence(o.individuals, o.organisations)}. Their endorsements stay bound to this text; the current version is version ${o.currentNumber}.`,
      PRIVACY_NOTE,
    ],
    sections: [{ heading: `Endorsed version ${o.number}`, note: lines.length === 0 ? `Nobody endorsed version ${o.number}.` : null, groups: groups(lines) }],
    after: truncationNote(o.entries.length, total, o.listUrl),
  };
}
