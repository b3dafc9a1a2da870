/**
 * The endorsement input rules without a database: names with URLs, control characters and lengths are refused
 * with field errors; organisation keys, websites and the e-mail-domain evidence behave; the listing sentence; CSV
 * neutralisation.
 */
import { describe, expect, it } from "vitest";
import { COUNTRIES, countryName, isCountryCode } from "../../app/declarations/countries";
import {
  containsUrl,
  emailMatchesWebsite,
  endorsementFromForm,
  hasForbiddenCharacters,
  organisationKey,
  parseEndorsementInput,
  parseWebsite,
} from "../../app/declarations/endorsement-input";
import { describeIndividual, describeOrganisation, publicPartsOf } from "../../app/declarations/endorsement-words";
import { csvField, endorsementsCsv, neutraliseCell } from "../../app/models/endorsements.server";

const person = (over: Record<string, unknown> = {}) => ({
  kind: "individual",
  name: "Anna Berg",
  role: "Detective Inspector",
  affiliation: "Stockholm Police",
  country: "SE",
  capacity: "serving_officer",
  statement: "Harm reduction saves lives.",
  publicFields: ["capacity", "country"],
  consent: true,
  ...over,
});

const organisation = (over: Record<string, unknown> = {}) => ({
  kind: "organisation",
  organisationName: "Swedish Police Authority",
  organisationType: "police_agency",
  country: "SE",
  website: "https://www.polisen.se",
  signerRole: "Head of Communications",
  authorised: true,
  consent: true,
  ...over,
});

function errorsOf(input: unknown): Record<string, string> {
  const parsed = parseEndorsementInput(input);
  return parsed.ok ? {} : parsed.fieldErrors;
}

describe("countries", () => {
  it("lists the ISO 3166-1 alpha-2 codes (249, plus XK) with English names, sorted by name", () => {
    expect(COUNTRIES).toHaveLength(250);
    expect(new Set(COUNTRIES.map((c) => c.code)).size).toBe(250);
    expect(COUNTRIES.every((c) => /^[A-Z]{2}$/.test(c.code))).toBe(true);
    expect(countryName("SE")).toBe("Sweden");
    expect(isCountryCode("se")).toBe(false);
    expect(isCountryCode("ZZ")).toBe(false);
    expect(COUNTRIES[0]!.name).toBe("Afghanistan");
  });
});

describe("parseEndorsementInput", () => {
  it("accepts both shapes of the contract and normalises them", () => {
    const individual = parseEndorsementInput(person({ name: "  Anna   Berg ", country: "se", publicFields: ["country", "name", "country"] }));
    expect(individual).toMatchObject({ ok: true, data: { name: "Anna Berg", country: "SE", publicFields: ["name", "country"] } });
    const org = parseEndorsementInput(organisation({ website: "polisen.se/" }));
    expect(org).toMatchObject({ ok: true, data: { website: "https://polisen.se" } });
  });

  it("treats role, affiliation and statement as optional, but not when they are to be shown", () => {
    expect(parseEndorsementInput(person({ role: undefined, affiliation: "", statement: undefined })).ok).toBe(true);
    expect(errorsOf(person({ role: "", publicFields: ["role"] }))).toEqual({ publicFields: "You chose to show your role publicly: fill it in, or untick it." });
  });

  it("rejects names, roles, affiliations and organisation names that contain web addresses", () => {
    const hostile = ["Visit http://spam.example", "https://x.y", "www.cheap-pills", "cheap-pills.com", "Buy at example.com now", "EXAMPLE.COM", "spam.example", "evil．com", "mailto://a", "ftp://files"];
    for (const name of hostile) {
      expect(errorsOf(person({ name })).name, name).toBe("A name cannot contain a web address.");
      expect(errorsOf(person({ role: name })).role, name).toBe("A role cannot contain a web address.");
      expect(errorsOf(person({ affiliation: name })).affiliation, name).toBe("An affiliation cannot contain a web address.");
      expect(errorsOf(organisation({ organisationName: name })).organisationName, name).toMatch(/cannot contain a web address/);
      expect(errorsOf(organisation({ signerRole: name })).signerRole, name).toBe("A role cannot contain a web address.");
    }
    for (const name of ["Dr.Smith", "St.Mary's Hospital", "J.R.R. Tolkien", "Anne-Marie O'Neill", "Zoë Åberg", "U.S. Department of Justice", "Police Dept. 5"]) {
      expect(parseEndorsementInput(person({ name, affiliation: name })).ok, name).toBe(true);
    }
  });

  it("refuses control characters, bidi overrides and lone surrogates", () => {
    for (const name of ["Anna\u0000Berg", "Anna\u0007", "Anna\nBerg", "Anna\u202EgreB", "Anna\u2066x", "A\uD800", "Anna\u2028Berg"]) {
      expect(errorsOf(person({ name })).name, JSON.stringify(name)).toBe("Remove control characters from your name.");
    }
    expect(parseEndorsementInput(person({ statement: "Line one\r\nLine two" }))).toMatchObject({ ok: true, data: { statement: "Line one\nLine two" } });
    expect(errorsOf(person({ statement: "tab\there" })).statement).toBe("Remove control characters from your statement.");
    expect(hasForbiddenCharacters("ok\nok", true)).toBe(false);
  });

  it("bounds lengths (a statement to 500 characters, counted as characters, not bytes)", () => {
    expect(parseEndorsementInput(person({ statement: "å".repeat(500) })).ok).toBe(true);
    expect(errorsOf(person({ statement: "å".repeat(501) })).statement).toBe("Use at most 500 characters.");
    expect(errorsOf(person({ name: "x".repeat(121) })).name).toBe("Use at most 120 characters.");
    expect(errorsOf(organisation({ organisationName: "x".repeat(201) })).organisationName).toBe("Use at most 200 characters.");
  });

  it("names every invalid field of hostile or malformed bodies", () => {
    expect(errorsOf(null)).toEqual({ form: "Send a JSON object." });
    expect(errorsOf([person()])).toEqual({ form: "Send a JSON object." });
    expect(errorsOf({})).toHaveProperty("kind");
    expect(errorsOf(person({ kind: "robot" }))).toHaveProperty("kind");
    expect(
      errorsOf(person({ name: 42, country: "Sweden", capacity: "chief", publicFields: "name", consent: "yes", statement: { $gt: "" } })),
    ).toEqual({
      name: "Your name must be text.",
      country: "Choose a country from the list.",
      capacity: "Choose the capacity in which you endorse.",
      statement: "Your statement must be text.",
      publicFields: "publicFields must be a list.",
      consent: "Tick the box to agree that this endorsement is listed publicly.",
    });
    expect(errorsOf(person({ publicFields: ["name", "email"] })).publicFields).toMatch(/Choose public fields/);
    expect(errorsOf(person({ consent: false })).consent).toBeTruthy();
    expect(errorsOf(organisation({ authorised: false })).authorised).toBe("Confirm that you are authorised to endorse on behalf of this organisation.");
    expect(errorsOf(organisation({ organisationType: "cartel" })).organisationType).toBe("Choose the kind of organisation.");
    expect(errorsOf(organisation({ organisationName: "!!!" })).organisationName).toBe("Enter the organisation's name in letters.");
    for (const website of ["javascript:alert(1)", "https://user:pw@polisen.se", "ftp://polisen.se", "localhost", "http://127.0.0.1", "not a url", ""]) {
      expect(errorsOf(organisation({ website })).website, website).toBeTruthy();
    }
  });
});

describe("organisations", () => {
  it("keys organisation names by NFKC, case, whitespace and punctuation", () => {
    expect(organisationKey("Swedish Police Authority")).toBe("swedish police authority");
    expect(organisationKey("  SWEDISH   police authority. ")).toBe("swedish police authority");
    expect(organisationKey("Ｓｗｅｄｉｓｈ Police Authority!")).toBe("swedish police authority");
    expect(organisationKey("St. John's \u2014 Police")).toBe("st johns police");
  });

  it("normalises websites and refuses what is not a public http(s) site", () => {
    expect(parseWebsite("https://www.polisen.se/")).toEqual({ href: "https://www.polisen.se", host: "www.polisen.se" });
    expect(parseWebsite("Polisen.SE/om-polisen/")).toEqual({ href: "https://polisen.se/om-polisen", host: "polisen.se" });
    expect(parseWebsite("http://polisen.se:8080/x?utm=1#top")).toEqual({ href: "http://polisen.se:8080/x", host: "polisen.se" });
    expect(parseWebsite("javascript:alert(1)")).toBeNull();
    expect(parseWebsite("https://[::1]/")).toBeNull();
  });

  it("gives domain evidence only when the e-mail domain is the website's domain or a subdomain of it", () => {
    expect(emailMatchesWebsite("anna@polisen.se", "www.polisen.se")).toBe(true);
    expect(emailMatchesWebsite("anna@region.polisen.se", "polisen.se")).toBe(true);
    expect(emailMatchesWebsite("anna@POLISEN.SE", "polisen.se")).toBe(true);
    expect(emailMatchesWebsite("anna@notpolisen.se", "polisen.se")).toBe(false);
    expect(emailMatchesWebsite("anna@polisen.se.evil.example", "polisen.se")).toBe(false);
    expect(emailMatchesWebsite("anna@polisen.se", "region.polisen.se")).toBe(false);
    expect(emailMatchesWebsite("anna@gmail.com", "gmail.com")).toBe(false);
    expect(emailMatchesWebsite("anna@met.police.uk", "police.uk")).toBe(false);
    expect(emailMatchesWebsite("anna@met.police.uk", "met.police.uk")).toBe(true);
    expect(emailMatchesWebsite("anna@x.co.uk", "co.uk")).toBe(false);
  });
});

describe("listing sentences", () => {
  it("reads like the brief's example without a name, and in full with one", () => {
    const all = { name: "Anna Berg", role: "Detective Inspector", affiliation: "Stockholm Police", country: "SE", capacity: "serving_officer", statement: "x" };
    expect(describeIndividual(publicPartsOf(all, ["capacity", "country"]))).toBe("A serving police officer, Sweden");
    expect(describeIndividual(publicPartsOf(all, ["name", "role", "affiliation", "capacity", "country"]))).toBe(
      "Anna Berg, Detective Inspector, Stockholm Police, serving police officer, Sweden",
    );
    expect(describeIndividual(publicPartsOf(all, []))).toBe("An endorser who chose not to be named");
    expect(describeIndividual(publicPartsOf(all, ["country"]))).toBe("An endorser: Sweden");
    expect(describeOrganisation({ organisationName: "Swedish Police Authority", organisationType: "police_agency", country: "SE" })).toBe(
      "Swedish Police Authority (police or law-enforcement agency), Sweden",
    );
  });

  it("shapes the form's fields like the API's body", () => {
    const form = new FormData();
    form.set("kind", "organisation");
    form.set("organisationName", "X");
    form.set("organisationCountry", "SE");
    form.set("authorised", "on");
    expect(endorsementFromForm(form)).toMatchObject({ kind: "organisation", organisationName: "X", country: "SE", authorised: true, consent: false });
    const person = new FormData();
    person.set("kind", "individual");
    person.append("publicFields", "name");
    person.append("publicFields", "country");
    person.set("consent", "on");
    expect(endorsementFromForm(person)).toMatchObject({ kind: "individual", publicFields: ["name", "country"], consent: true });
  });
});

describe("CSV export cells", () => {
  it("neutralises cells that a spreadsheet would run as formulas", () => {
    expect(neutraliseCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(neutraliseCell("@SUM(1)")).toBe("'@SUM(1)");
    expect(neutraliseCell("+1")).toBe("'+1");
    expect(neutraliseCell("-1")).toBe("'-1");
    expect(neutraliseCell("\tx")).toBe("'\tx");
    expect(neutraliseCell("\rx")).toBe("'\rx");
    expect(neutraliseCell("Anna = Berg")).toBe("Anna = Berg");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField(null)).toBe("");
    expect(endorsementsCsv([]).startsWith("\uFEFFid,version,version_sha256,kind,")).toBe(true);
  });
});

describe("containsUrl", () => {
  it("sees through look-alike dots", () => {
    expect(containsUrl("example\u3002com")).toBe(true);
    expect(containsUrl("Anna Berg")).toBe(false);
  });
});
