/**
 * Seed content: the two LEPH 2023 workshops and the draft documents each one
 * is to write, as plain data (no database code).
 *
 * The only source is the workshop programme text
 * (/work/shared/seed/000_c5c26ce4c0e5b070.txt). Every passage taken from it is
 * stored verbatim and separately (descriptions, objective, aims, outputs,
 * organiser notes and the `quote` segments of each document's purpose), so a
 * test can check that each one really appears in the programme. Our own
 * framing words are kept apart in `words` segments and always say that the
 * quoted text comes from the workshop programme.
 *
 * Document bodies are honest skeletons: a title, a purpose paragraph built
 * from those segments, then headed sections left empty for the workshop.
 */
import type { JSONContent } from "@tiptap/core";

export type SeedDocumentKind = "declaration" | "statement" | "guidance" | "discussion_paper";

/** "new": written at the workshop; "leahn-revision": a LEAHN text being revised and relaunched. */
export type SeedDocumentOrigin = "new" | "leahn-revision";

/** A piece of a purpose paragraph: our own framing words, or a verbatim quote from the programme. */
export type PurposeSegment = { kind: "words"; text: string } | { kind: "quote"; text: string };

export interface SeedDocument {
  slug: string;
  title: string;
  kind: SeedDocumentKind;
  status: "draft";
  origin: SeedDocumentOrigin;
  /** The purpose paragraph, segment by segment; quotes are verbatim programme text. */
  purpose: PurposeSegment[];
  /** Headings of the sections the workshop is to write (rendered as empty H2 sections). */
  sections: string[];
  /** Tiptap JSON (type "doc") built from title, purpose and sections. */
  content: JSONContent;
}

/** A workshop output as the programme lists it (verbatim), with the seed documents that carry it. */
export interface SeedOutput {
  text: string;
  documentSlugs: string[];
  items: SeedOutput[];
}

export interface SeedOrganiser {
  shortName: string;
  name: string;
  /** Verbatim programme sentences about the organiser. */
  about: string[];
}

export interface SeedWorkshop {
  slug: string;
  title: string;
  event: string;
  /** ISO dates (YYYY-MM-DD). */
  startsOn: string;
  endsOn: string;
  venue: string | null;
  feeNote: string | null;
  partner: string | null;
  organisers: SeedOrganiser[];
  /** Verbatim programme paragraphs. */
  description: string[];
  /** Verbatim programme text. */
  objective: string | null;
  /** Verbatim programme aims, without the list's trailing ";" / "; and". */
  aims: string[];
  outputs: SeedOutput[];
  documents: SeedDocument[];
}

/* ------------------------------------------------------------------------ */
/* Tiptap JSON builders                                                      */
/* ------------------------------------------------------------------------ */

function text(value: string, marks?: JSONContent["marks"]): JSONContent {
  return marks ? { type: "text", marks, text: value } : { type: "text", text: value };
}

function heading(level: 1 | 2 | 3, value: string): JSONContent {
  return { type: "heading", attrs: { level }, content: [text(value)] };
}

const emptyParagraph = (): JSONContent => ({ type: "paragraph" });

/** Plain text of a purpose: words as they are, quotes inside “ ”. */
export function purposeText(segments: readonly PurposeSegment[]): string {
  return segments.map((segment) => (segment.kind === "quote" ? `“${segment.text}”` : segment.text)).join("");
}

function purposeParagraph(segments: readonly PurposeSegment[]): JSONContent {
  return {
    type: "paragraph",
    content: [text("Purpose", [{ type: "bold" }]), text(` (from the workshop programme): ${purposeText(segments)}`)],
  };
}

function skeleton(title: string, purpose: readonly PurposeSegment[], sections: readonly string[]): JSONContent {
  return {
    type: "doc",
    content: [
      heading(1, title),
      purposeParagraph(purpose),
      ...sections.flatMap((section) => [heading(2, section), emptyParagraph()]),
    ],
  };
}

type DocumentInput = Omit<SeedDocument, "status" | "content">;

function draft(input: DocumentInput): SeedDocument {
  return { ...input, status: "draft", content: skeleton(input.title, input.purpose, input.sections) };
}

const words = (value: string): PurposeSegment => ({ kind: "words", text: value });
const quote = (value: string): PurposeSegment => ({ kind: "quote", text: value });

/* ------------------------------------------------------------------------ */
/* Workshop 1: Law enforcement, harm reduction and drug policy               */
/* ------------------------------------------------------------------------ */

const AIM_CALL =
  "To finalise and endorse a call by police for drug policy reform, especially decriminalization and regulation of possession of drugs for personal use";
const CONSENSUS =
  "There is a widespread and growing international consensus on the need for policy reforms regarding illicit drugs for personal use, from the UN common position on drug policy that endorses decriminalization of possession and use, and from the Global Commission on Drug Policy, 2021.";
const POLICE_SUPPORT = "Police globally are increasingly supportive of harm reduction policing and drug policy reform.";
const POLICE_VOICES = "the Law Enforcement Action Partnership and the Canadian Association of Chiefs of Police (CACP)";
const LEAHN_OUTPUT = "Revised and relaunched LEAHN materials";
const STATEMENT_OF_SUPPORT = "Statement of support by police for harm reduction";
const AMSTERDAM = "Amsterdam declaration on police partnerships for harm reduction";
const GUIDANCE_NOTES = "Guidance notes on safe injecting facilities, policing young drug users, and policing amphetamines";

function leahnPurpose(material: string): PurposeSegment[] {
  return [
    words("this draft is for the "),
    quote(material),
    words(", one of the "),
    quote(LEAHN_OUTPUT),
    words(" that the programme lists among the outputs of this workshop."),
  ];
}

function guidancePurpose(topic: string): PurposeSegment[] {
  return [
    words(`this draft is the guidance note on ${topic}, one of the `),
    quote(GUIDANCE_NOTES),
    words(" listed among the "),
    quote(LEAHN_OUTPUT),
    words(" that are outputs of this workshop."),
  ];
}

const GUIDANCE_SECTIONS = ["Scope", "Background", "Guidance for police", "Further reading"];

const harmReductionDocuments: SeedDocument[] = [
  draft({
    slug: "call-for-harm-reduction-policing",
    title: "Call by police for harm reduction policing and drug policy reform",
    kind: "declaration",
    origin: "new",
    purpose: [
      words("one of the workshop's aims is "),
      quote(AIM_CALL),
      words(". The programme states: "),
      quote(CONSENSUS),
      words(" It adds: "),
      quote(POLICE_SUPPORT),
      words(" Among the police voices it names are "),
      quote(POLICE_VOICES),
      words("."),
    ],
    sections: [
      "Preamble",
      "What we call for",
      "Harm reduction policing",
      "Decriminalisation and regulation of possession for personal use",
      "Signatories' commitments",
    ],
  }),
  draft({
    slug: "statement-of-support",
    title: "Statement of support by police for harm reduction",
    kind: "statement",
    origin: "leahn-revision",
    purpose: leahnPurpose(STATEMENT_OF_SUPPORT),
    sections: ["Preamble", "Statement of support", "What changed in this revision", "Signatories"],
  }),
  draft({
    slug: "amsterdam-declaration",
    title: "Amsterdam declaration on police partnerships for harm reduction",
    kind: "declaration",
    origin: "leahn-revision",
    purpose: leahnPurpose(AMSTERDAM),
    sections: ["Preamble", "Partnerships for harm reduction", "Commitments", "What changed in this revision", "Signatories"],
  }),
  draft({
    slug: "guidance-safe-injecting-facilities",
    title: "Safe injecting facilities",
    kind: "guidance",
    origin: "leahn-revision",
    purpose: guidancePurpose("safe injecting facilities"),
    sections: GUIDANCE_SECTIONS,
  }),
  draft({
    slug: "guidance-policing-young-drug-users",
    title: "Policing young drug users",
    kind: "guidance",
    origin: "leahn-revision",
    purpose: guidancePurpose("policing young drug users"),
    sections: GUIDANCE_SECTIONS,
  }),
  draft({
    slug: "guidance-policing-amphetamines",
    title: "Policing amphetamines",
    kind: "guidance",
    origin: "leahn-revision",
    purpose: guidancePurpose("policing amphetamines"),
    sections: GUIDANCE_SECTIONS,
  }),
];

const harmReductionWorkshop: SeedWorkshop = {
  slug: "harm-reduction-policing-2023",
  title: "Law enforcement, harm reduction and drug policy",
  event: "LEPH 2023",
  startsOn: "2023-05-19",
  endsOn: "2023-05-20",
  venue: "Umeå University, Norra Beteendevetarhuset, room NBET.A.157",
  feeNote: "Workshop fee 550 SEK excluding VAT",
  partner: "Law Enforcement and Harm Reduction Special Interest Group (LEAHN materials)",
  organisers: [],
  description: [
    "This workshop will explore the practice of harm reduction policing, and the role of police in different and reformed regulatory regimes for drugs currently illicit. Speakers from International Drug Policy Commissions, Police agencies and other key stakeholders will present their work and experience with harm reduction policies and why there is a need for a change.",
    `${CONSENSUS} The goal is that more countries decriminalize drug use, adopt innovative approaches based on public health, and legalize formerly banned substances`,
    `${POLICE_SUPPORT} As those who are tasked with enforcing the criminalization of illicit drugs for personal use, the Police voice is powerful and important: such voices include ${POLICE_VOICES}`,
  ],
  objective: "to explore and address the role of police and other law enforcement in relation to current drug policies.",
  aims: [
    "To highlight failings of current systems, including criminalization of and overincarceration for drug possession for personal use",
    "To consult the law enforcement community on their views on what shape reforms to drug regulatory systems should take, based on their experience",
    "To explore and advocate for harm reduction policing",
    AIM_CALL,
    "To plan for greatest impact of the outputs of this Workshop",
  ],
  outputs: [
    {
      text: "Statement/declaration/call by police for harm reduction policing and drug policy reform, including decriminalization and regulation of possession of drugs for personal use",
      documentSlugs: ["call-for-harm-reduction-policing"],
      items: [],
    },
    {
      text: `${LEAHN_OUTPUT}, including`,
      documentSlugs: [],
      items: [
        { text: STATEMENT_OF_SUPPORT, documentSlugs: ["statement-of-support"], items: [] },
        { text: AMSTERDAM, documentSlugs: ["amsterdam-declaration"], items: [] },
        {
          text: `${GUIDANCE_NOTES}.`,
          documentSlugs: [
            "guidance-safe-injecting-facilities",
            "guidance-policing-young-drug-users",
            "guidance-policing-amphetamines",
          ],
          items: [],
        },
      ],
    },
  ],
  documents: harmReductionDocuments,
};

/* ------------------------------------------------------------------------ */
/* Workshop 2: The role of law enforcement in health security                */
/* ------------------------------------------------------------------------ */

const HEALTH_SECURITY_AIM =
  "The aim of this joint meeting is to explore if and to what extent law enforcement can be usefully involved in health security issues, what specific areas they might contribute to, and how best this could be achieved.";
const HEALTH_SECURITY_DEBATE =
  "This debate extends to health security, where it is not clear what, if any, role law enforcement has.";

const healthSecurityWorkshop: SeedWorkshop = {
  slug: "health-security-2023",
  title: "The role of law enforcement in health security",
  event: "LEPH 2023",
  startsOn: "2023-05-24",
  endsOn: "2023-05-24",
  venue: null,
  feeNote: null,
  partner: null,
  organisers: [
    {
      shortName: "GLEPHA",
      name: "Global Law Enforcement and Public Health Association",
      about: [
        "GLEPHA is a membership-based association working towards bringing the law enforcement and public health sectors together.",
        "GLEPHA is also the founder of LEPH conference.",
      ],
    },
    {
      shortName: "JA TERROR",
      name: "Joint Action Terror",
      about: [
        "JA TERROR is a European Union project based on 17 member countries and 31 partner organisations.",
        "The focus is to address gaps in health preparedness and to strengthen response to biological and chemical terror attacks by cross-sectoral work with security, civil protection and health sectors.",
      ],
    },
  ],
  description: [
    "Joint Action Terror (JA TERROR) and Global Law Enforcement and Public Health Association (GLEPHA) invite you to a workshop afternoon to discuss ‘the role of law enforcement in health security’. JA TERROR is a European Union project based on 17 member countries and 31 partner organisations. The focus is to address gaps in health preparedness and to strengthen response to biological and chemical terror attacks by cross-sectoral work with security, civil protection and health sectors. GLEPHA is a membership-based association working towards bringing the law enforcement and public health sectors together. GLEPHA is also the founder of LEPH conference.",
    `The relationship between public health and law enforcement is contested. Some argue that this is an important and synergistic relationship and point to successful close collaborations in areas such as drugs policing, and mental health. Others are less certain, with some voices arguing that law enforcement can be a barrier to achieving public health goals for example, concern over racially biased policing, and use of excessive force. ${HEALTH_SECURITY_DEBATE} Internationally, there is substantial variation in practice, in some jurisdictions law enforcement is a critical partner in health security preparedness and response, whereas in others they have no role at all.`,
  ],
  objective: HEALTH_SECURITY_AIM,
  aims: [],
  outputs: [],
  documents: [
    draft({
      slug: "discussion-paper-health-security",
      title: "The role of law enforcement in health security: discussion paper",
      kind: "discussion_paper",
      origin: "new",
      purpose: [quote(HEALTH_SECURITY_AIM), words(" The programme notes: "), quote(HEALTH_SECURITY_DEBATE)],
      sections: [
        "Introduction",
        "Public health and law enforcement: a contested relationship",
        "Variation in practice",
        "Areas where law enforcement might contribute",
        "How this could best be achieved",
        "Questions for discussion",
      ],
    }),
  ],
};

export const SEED_WORKSHOPS: SeedWorkshop[] = [harmReductionWorkshop, healthSecurityWorkshop];
