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
import { ENGLISH, signatoriesOfEarlier, signatoriesOfVersion, type Words } from "../declarations/endorsement-words";
import { countsSentence, kindsSentence, safeWebsite, saysKinds, signatoryLine, type SignatoryLine } from "../declarations/public-view";
import { formatNumberIn } from "../i18n/format";
import type { Locale } from "../i18n/locales";

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

/** The annex's language: its words and how it writes numbers (English unless given). */
export interface AnnexWords {
  t?: Words;
  locale?: Locale;
}

function groups(lines: SignatoryLine[], t: Words, locale: Locale): AnnexGroup[] {
  const organisations = lines.filter((l) => l.kind === "organisation");
  const individuals = lines.filter((l) => l.kind === "individual");
  const out: AnnexGroup[] = [];
  if (organisations.length > 0) out.push({ heading: t("public:pdf.organisations", { number: formatNumberIn(locale, organisations.length) }), lines: organisations });
  if (individuals.length > 0) out.push({ heading: t("public:pdf.individuals", { number: formatNumberIn(locale, individuals.length) }), lines: individuals });
  return out;
}

const lineOf = (e: PublicEndorsement, t: Words, locale: Locale): SignatoryLine => {
  const line = signatoryLine(e, t, locale);
  return { ...line, website: safeWebsite(line.website) };
};

function truncationNote(listed: number, total: number, listUrl: string, t: Words, locale: Locale): string | null {
  if (listed >= total) return null;
  return t("public:pdf.truncated", { listed: formatNumberIn(locale, listed), total: formatNumberIn(locale, total), url: listUrl });
}

/** The current version's annex: the page's counted list (`entries`, possibly cut at a limit) and counts. */
export function currentAnnex(o: { entries: PublicEndorsement[]; total: number; counts: PublicCounts; number: number; listUrl: string } & AnnexWords): Annex {
  const t = o.t ?? ENGLISH;
  const locale = o.locale ?? "en";
  const lines = o.entries.map((e) => lineOf(e, t, locale));
  const current = lines.filter((l) => l.versionNumber === o.number);
  const earlier = lines
    .filter((l) => l.versionNumber !== o.number)
    .map((l) => ({ ...l, details: [...l.details, t("public:declaration.versionLower", { number: l.versionNumber })] }));
  const details = saysKinds(o.counts) ? [t("public:declaration.versionKinds", { number: o.number, kinds: kindsSentence(o.counts.individuals, o.counts.organisations, t, locale) })] : [];
  if (o.counts.earlier > 0) details.push(t("public:declaration.earlierKinds", { kinds: kindsSentence(o.counts.earlierIndividuals, o.counts.earlierOrganisations, t, locale) }));
  details.push(t("public:pdf.privacy"));
  const sections: AnnexSection[] = [
    {
      heading: signatoriesOfVersion(o.number, t),
      note: current.length === 0 ? t("public:declaration.nobodyYet", { number: o.number }) : null,
      groups: groups(current, t, locale),
    },
  ];
  if (earlier.length > 0) {
    sections.push({
      heading: signatoriesOfEarlier(t),
      note: t("public:declaration.earlierNote", { number: o.number }),
      groups: groups(earlier, t, locale),
    });
  }
  return { counts: countsSentence(o.counts, o.number, t, locale), details, sections, after: truncationNote(o.entries.length, o.total, o.listUrl, t, locale) };
}

/** An earlier version's annex: the public endorsements of that very version. */
export function earlierAnnex(o: {
  entries: PublicEndorsement[];
  individuals: number;
  organisations: number;
  number: number;
  currentNumber: number;
  listUrl: string;
} & AnnexWords): Annex {
  const t = o.t ?? ENGLISH;
  const locale = o.locale ?? "en";
  const total = o.individuals + o.organisations;
  const lines = o.entries.map((e) => lineOf(e, t, locale));
  return {
    counts: t("public:pdf.earlierCount", { count: total, formatted: formatNumberIn(locale, total), number: o.number }),
    details: [
      t("public:pdf.earlierDetails", { kinds: kindsSentence(o.individuals, o.organisations, t, locale), current: o.currentNumber }),
      t("public:pdf.privacy"),
    ],
    sections: [
      {
        heading: t("public:pdf.endorsedVersion", { number: o.number }),
        note: lines.length === 0 ? t("public:pdf.nobodyEndorsed", { number: o.number }) : null,
        groups: groups(lines, t, locale),
      },
    ],
    after: truncationNote(o.entries.length, total, o.listUrl, t, locale),
  };
}
