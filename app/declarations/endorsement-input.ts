/**
 * What an endorsement may contain: the zod rules shared by the form (/d/<slug>/endorse) and the JSON API
 * (POST /api/declarations/<slug>/endorsements), and the pure helpers behind evidence and uniqueness
 * (organisation key, website, e-mail domain match). Errors are in words, keyed by the contract's field names.
 *
 * Hostile input this refuses: URLs or domain-like tokens in names ("Visit cheap-pills.example"), control and
 * bidirectional-override characters (NUL, U+202E…), lone surrogates, over-long text, unknown enum values,
 * publicFields that are not a list of known names, websites that are not http(s) or carry credentials.
 *
 * The messages are English (the API's contract, public.json `input`); a page shows them in its language with
 * `inputMessageIn`.
 */
import { z } from "zod";
import { canonicalLanguage, LANGUAGE_TAG_ERROR, LANGUAGE_TAG_MAX } from "./languages";
import { isCountryCode } from "./countries";
import {
  ENGLISH,
  type Words,
  CAPACITIES,
  ORGANISATION_TYPES,
  PUBLIC_FIELDS,
  type Capacity,
  type OrganisationType,
  type PublicField,
} from "./endorsement-words";
import type { FieldErrors, Parsed } from "../utils/forms.server";
import type { TranslateValues } from "../i18n/instance";

export const LIMITS = {
  name: 120,
  role: 120,
  affiliation: 200,
  organisationName: 200,
  signerRole: 120,
  website: 200,
  statement: 500,
} as const;

// ── Text checks ──────────────────────────────────────────────────────────────────────────────────────────────

/** C0/C1 controls (a statement may keep its line breaks), line/paragraph separators, bidi overrides and isolates, lone surrogates. */
export function hasForbiddenCharacters(value: string, allowNewlines = false): boolean {
  const text = allowNewlines ? value.replace(/\r\n?|\n/g, "") : value;
  return /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u.test(text);
}

// Case-insensitive when the ending is a top-level domain spammers use; any lower-case "label.tld" otherwise, so
// "Dr.Smith" or "St.Mary" stay names while "cheap-pills.example" and "EXAMPLE.COM" do not.
const COMMON_TLDS =
  "com|net|org|info|biz|io|co|me|xyz|online|site|shop|club|top|link|click|app|dev|ru|tk|ml|ga|cf|gq|gov|edu|int|eu|uk|us|tv|cc|ly|to|gl|ws|live|store|tech|space|website|pro|news|blog|mobi";
const DOMAIN_COMMON = new RegExp(
  `(?:^|[^\\p{L}\\p{N}_-])(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+(?:${COMMON_TLDS})(?![\\p{L}\\p{N}])`,
  "iu",
);
const DOMAIN_LOWER = /(?:^|[^\p{L}\p{N}_-])(?:[\p{Ll}\p{N}](?:[\p{Ll}\p{N}-]*[\p{Ll}\p{N}])?\.)+(?:\p{Ll}{2,63}|xn--[a-z0-9-]+)(?![\p{L}\p{N}])/u;
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//i;
const WWW = /(?:^|[^\p{L}\p{N}])www\d?\./iu;

/** Does this text contain a URL, "www." or a domain-like token such as example.com? */
export function containsUrl(value: string): boolean {
  // Fold look-alike dots (fullwidth, ideographic, halfwidth) and compatibility forms first.
  const text = value.normalize("NFKC").replace(/[\u3002\uFF0E\uFF61\u2024]/g, ".");
  return SCHEME.test(text) || WWW.test(text) || DOMAIN_COMMON.test(text) || DOMAIN_LOWER.test(text);
}

const length = (v: string) => [...v].length;

function cleanLine(v: string): string {
  return v.normalize("NFC").trim().replace(/[^\S\n]+/g, " ");
}

function cleanMultiline(v: string): string {
  return v
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(/[^\S\n]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Every message of these rules, as keys (English is the API's text; pages translate with `inputMessageIn`). */
const M = {
  tooLong: "public:input.tooLong",
  chooseCountry: "public:input.chooseCountry",
  countryFromList: "public:input.countryFromList",
  consent: "public:input.consent",
  publicFieldsChoice: "public:input.publicFieldsChoice",
  publicFieldsList: "public:input.publicFieldsList",
  nameRequired: "public:input.nameRequired",
  nameNoUrl: "public:input.nameNoUrl",
  roleNoUrl: "public:input.roleNoUrl",
  affiliationNoUrl: "public:input.affiliationNoUrl",
  capacity: "public:input.capacity",
  statementNoUrl: "public:input.statementNoUrl",
  showRole: "public:input.showRole",
  showAffiliation: "public:input.showAffiliation",
  showStatement: "public:input.showStatement",
  organisationNameRequired: "public:input.organisationNameRequired",
  organisationNameNoUrl: "public:input.organisationNameNoUrl",
  organisationNameLetters: "public:input.organisationNameLetters",
  organisationType: "public:input.organisationType",
  websiteRequired: "public:input.websiteRequired",
  websiteInvalid: "public:input.websiteInvalid",
  signerRoleRequired: "public:input.signerRoleRequired",
  authorised: "public:input.authorised",
  sendObject: "public:input.sendObject",
  kind: "public:input.kind",
  needsCorrecting: "public:input.needsCorrecting",
  closed: "public:input.closed",
  formUnreadable: "public:input.formUnreadable",
  notTextName: "public:input.notText.name",
  notTextRole: "public:input.notText.role",
  notTextAffiliation: "public:input.notText.affiliation",
  notTextStatement: "public:input.notText.statement",
  notTextOrganisationName: "public:input.notText.organisationName",
  notTextWebsite: "public:input.notText.website",
  notTextSignerRole: "public:input.notText.signerRole",
  controlName: "public:input.control.name",
  controlRole: "public:input.control.role",
  controlAffiliation: "public:input.control.affiliation",
  controlStatement: "public:input.control.statement",
  controlOrganisationName: "public:input.control.organisationName",
  controlWebsite: "public:input.control.website",
  controlSignerRole: "public:input.control.signerRole",
} as const;

const en = (key: string, values?: TranslateValues): string => ENGLISH(key, values);

/** One of these rules' (English) messages in a page's language; any other text as it is. */
export function inputMessageIn(message: string, t: Words): string {
  for (const key of Object.values(M)) {
    if (key === M.tooLong) {
      const [before, after] = en(key, { max: "\u0000" }).split("\u0000") as [string, string];
      const max = message.startsWith(before) && message.endsWith(after) ? message.slice(before.length, message.length - after.length) : "";
      if (/^\d+$/.test(max)) return t(key, { max: Number(max) });
    } else if (en(key) === message) {
      return t(key);
    }
  }
  return message;
}

interface TextOptions {
  /** The keys of "… must be text." and "Remove control characters from …". */
  notText: string;
  control: string;
  max: number;
  required?: string;
  noUrls?: string;
  multiline?: boolean;
}

/** A text field: trimmed, NFC, spaces collapsed; "" when optional and empty. */
function textField(o: TextOptions) {
  return z
    .preprocess((v) => (v == null ? "" : v), z.string({ message: en(o.notText) }))
    .superRefine((raw, ctx) => {
      if (hasForbiddenCharacters(raw.trim(), o.multiline)) {
        ctx.addIssue({ code: "custom", message: en(o.control) });
      }
    })
    .transform((raw) => (o.multiline ? cleanMultiline(raw) : cleanLine(raw)))
    .superRefine((v, ctx) => {
      if (o.required && v === "") ctx.addIssue({ code: "custom", message: o.required });
      else if (length(v) > o.max) ctx.addIssue({ code: "custom", message: en(M.tooLong, { max: o.max }) });
      else if (o.noUrls && containsUrl(v)) ctx.addIssue({ code: "custom", message: o.noUrls });
    });
}

const countryField = z
  .preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : v), z.string({ message: en(M.chooseCountry) }))
  .refine((v) => isCountryCode(v), en(M.countryFromList));

const consentField = z.literal(true, { message: en(M.consent) });

// ── Organisations: key, website, e-mail domain ───────────────────────────────────────────────────────────────

/** The organisation's identity for "one endorsement per organisation": NFKC, lower case, no punctuation, one space. */
export function organisationKey(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A website as stored and shown ("https://polisen.se" or with its path), and its host; null when not usable. */
export function parseWebsite(raw: string): { href: string; host: string } | null {
  let text = raw.trim();
  if (!/^https?:\/\//i.test(text)) {
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) return null; // javascript:, mailto:, ftp://, …
    text = `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (!/^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(host)) return null; // no IPs, no single labels
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, "");
  return { href: `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}${path}`, host };
}

// Hosts that prove nothing about an organisation: free mail providers, and second-level public suffixes.
const FREE_MAIL = new Set(
  (
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com icloud.com me.com mac.com aol.com " +
    "proton.me protonmail.com pm.me gmx.com gmx.de gmx.net web.de mail.com mail.ru yandex.ru yandex.com zoho.com tutanota.com " +
    "tuta.io qq.com 163.com 126.com fastmail.com hey.com t-online.de orange.fr free.fr laposte.net libero.it seznam.cz wp.pl o2.pl interia.pl"
  ).split(" "),
);
const SUFFIX_LABELS = new Set("co com net org gov gob gouv govt ac edu police nhs or go ne mil sch ltd plc me gv nic".split(" "));

function isPublicSuffixLike(domain: string): boolean {
  const labels = domain.split(".");
  return labels.length <= 1 || (labels.length === 2 && SUFFIX_LABELS.has(labels[0]!));
}

/** The comparable domain of a website host: without a leading "www.". */
export function siteDomain(host: string): string {
  return host.replace(/^www\d?\./, "");
}

function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 0) return null;
  try {
    return new URL(`http://${email.slice(at + 1)}`).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return null;
  }
}

/**
 * Evidence "domain": the signer's (confirmed) e-mail domain is the website's domain or a subdomain of it
 * (anna@polisen.se or anna@region.polisen.se for https://www.polisen.se). Never for free mail providers or
 * public suffixes (a website "gmail.com" or "police.uk" proves nothing).
 */
export function emailMatchesWebsite(email: string, websiteHost: string): boolean {
  const mail = emailDomain(email);
  const site = siteDomain(websiteHost.toLowerCase());
  if (!mail || FREE_MAIL.has(site) || isPublicSuffixLike(site)) return false;
  return mail === site || mail.endsWith(`.${site}`);
}

// ── The two shapes ──────────────────────────────────────────────────────────────────────────────────────────

const publicFieldsField = z
  .preprocess((v) => (v == null ? [] : v), z.array(z.enum(PUBLIC_FIELDS, { message: en(M.publicFieldsChoice) }), { message: en(M.publicFieldsList) }))
  .refine((v) => v.length <= PUBLIC_FIELDS.length * 2, en(M.publicFieldsList))
  .transform((v) => PUBLIC_FIELDS.filter((f) => v.includes(f)));

/** The language of the translation read when endorsing from a translated page (optional; a BCP 47 tag). */
const readLanguageField = z
  .string({ message: "readLanguage must be a language tag." })
  .max(LANGUAGE_TAG_MAX, LANGUAGE_TAG_ERROR)
  .transform((v, ctx) => {
    if (v === "") return undefined;
    const tag = canonicalLanguage(v);
    if (!tag) {
      ctx.addIssue({ code: "custom", message: LANGUAGE_TAG_ERROR });
      return z.NEVER;
    }
    return tag;
  })
  .nullish();

export const individualSchema = z
  .object({
    kind: z.literal("individual"),
    name: textField({ notText: M.notTextName, control: M.controlName, max: LIMITS.name, required: en(M.nameRequired), noUrls: en(M.nameNoUrl) }),
    role: textField({ notText: M.notTextRole, control: M.controlRole, max: LIMITS.role, noUrls: en(M.roleNoUrl) }),
    affiliation: textField({ notText: M.notTextAffiliation, control: M.controlAffiliation, max: LIMITS.affiliation, noUrls: en(M.affiliationNoUrl) }),
    country: countryField,
    capacity: z.enum(CAPACITIES, { message: en(M.capacity) }),
    statement: textField({ notText: M.notTextStatement, control: M.controlStatement, max: LIMITS.statement, multiline: true, noUrls: en(M.statementNoUrl) }),
    publicFields: publicFieldsField,
    consent: consentField,
    readLanguage: readLanguageField,
  })
  .superRefine((v, ctx) => {
    const shown = { role: M.showRole, affiliation: M.showAffiliation, statement: M.showStatement } as const;
    for (const field of ["role", "affiliation", "statement"] as const) {
      if (v.publicFields.includes(field) && !v[field]) {
        ctx.addIssue({ code: "custom", path: ["publicFields"], message: en(shown[field]) });
      }
    }
  });

export const organisationSchema = z.object({
  kind: z.literal("organisation"),
  organisationName: textField({
    notText: M.notTextOrganisationName,
    control: M.controlOrganisationName,
    max: LIMITS.organisationName,
    required: en(M.organisationNameRequired),
    noUrls: en(M.organisationNameNoUrl),
  }).refine((v) => v === "" || organisationKey(v) !== "", en(M.organisationNameLetters)),
  organisationType: z.enum(ORGANISATION_TYPES, { message: en(M.organisationType) }),
  country: countryField,
  website: textField({ notText: M.notTextWebsite, control: M.controlWebsite, max: LIMITS.website, required: en(M.websiteRequired) }).transform((v, ctx) => {
    const parsed = v ? parseWebsite(v) : null;
    if (!parsed) {
      if (v) ctx.addIssue({ code: "custom", message: en(M.websiteInvalid) });
      return z.NEVER;
    }
    return parsed.href;
  }),
  signerRole: textField({
    notText: M.notTextSignerRole,
    control: M.controlSignerRole,
    max: LIMITS.signerRole,
    required: en(M.signerRoleRequired),
    noUrls: en(M.roleNoUrl),
  }),
  authorised: z.literal(true, { message: en(M.authorised) }),
  consent: consentField,
  readLanguage: readLanguageField,
});

export type IndividualInput = z.infer<typeof individualSchema>;
export type OrganisationInput = z.infer<typeof organisationSchema>;
export type EndorsementInput = IndividualInput | OrganisationInput;
export type { Capacity, OrganisationType, PublicField };

function collect(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Validate a JSON body or a form's fields (as `endorsementFromForm` shapes them). */
export function parseEndorsementInput(input: unknown): Parsed<EndorsementInput> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, fieldErrors: { form: en(M.sendObject) } };
  }
  const kind = (input as { kind?: unknown }).kind;
  const schema = kind === "individual" ? individualSchema : kind === "organisation" ? organisationSchema : null;
  if (!schema) return { ok: false, fieldErrors: { kind: en(M.kind) } };
  const result = schema.safeParse(input);
  return result.success ? { ok: true, data: result.data } : { ok: false, fieldErrors: collect(result.error.issues) };
}

/**
 * The form's fields in the API's shape. The two kinds share one form, so the organisation's country is
 * `organisationCountry` there; checkboxes arrive as "on".
 */
export function endorsementFromForm(form: FormData): Record<string, unknown> {
  const text = (key: string) => {
    const v = form.get(key);
    return typeof v === "string" ? v : undefined;
  };
  const kind = text("kind");
  if (kind === "organisation") {
    return {
      kind,
      organisationName: text("organisationName"),
      organisationType: text("organisationType"),
      country: text("organisationCountry"),
      website: text("website"),
      signerRole: text("signerRole"),
      authorised: text("authorised") === "on",
      consent: text("consent") === "on",
      readLanguage: text("readLanguage"),
    };
  }
  return {
    kind,
    name: text("name"),
    role: text("role"),
    affiliation: text("affiliation"),
    country: text("country"),
    capacity: text("capacity"),
    statement: text("statement"),
    publicFields: form.getAll("publicFields").filter((v): v is string => typeof v === "string"),
    consent: text("consent") === "on",
    readLanguage: text("readLanguage"),
  };
}
