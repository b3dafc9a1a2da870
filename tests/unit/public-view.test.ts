/** Public wording: signatory lines from public fields only, counts, CSV cells, SVG escaping, filters. */
import { describe, expect, it } from "vitest";
import {
  badgeSvg,
  countsSentence,
  csvCell,
  csvRow,
  escapeXml,
  parseCountryFilter,
  parseKindFilter,
  safeWebsite,
  signatoryLine,
  signatoryText,
} from "../../app/declarations/public-view";

describe("signatoryLine", () => {
  it("describes an individual without a public name by capacity and country", () => {
    const line = signatoryLine({ id: "e1", kind: "individual", versionNumber: 3, evidence: "email", capacity: "serving_officer", country: "SE" });
    expect(line.lead).toBe("A serving police officer, Sweden");
    expect(line.details).toEqual([]);
    expect(line.evidence).toBeNull();
  });

  it("falls back to “An individual signatory” and uses “An” before a vowel", () => {
    expect(signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email" }).lead).toBe("An individual signatory");
    expect(signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email", country: "NO" }).lead).toBe("An individual signatory, Norway");
    expect(signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email", capacity: "individual" }).lead).toBe("A private individual");
    expect(signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email", capacity: "professional" }).lead).toBe("A professional in another field");
  });

  it("shows a named individual's public fields in reading order", () => {
    const line = signatoryLine({
      id: "e2",
      kind: "individual",
      versionNumber: 1,
      evidence: "email",
      name: "Jane Doe",
      role: "Chief Inspector",
      affiliation: "Umeå Police",
      capacity: "retired_officer",
      country: "GB",
      statement: "Long overdue.",
    });
    expect(line.lead).toBe("Jane Doe");
    expect(line.details).toEqual(["Chief Inspector, Umeå Police", "Retired police officer", "United Kingdom"]);
    expect(line.statement).toBe("Long overdue.");
    expect(signatoryText(line)).toBe("Jane Doe — Chief Inspector, Umeå Police · Retired police officer · United Kingdom");
  });

  it("shows an organisation with its type, country, website and evidence in words", () => {
    const entry = {
      id: "e3",
      kind: "organisation" as const,
      versionNumber: 2,
      evidence: "domain" as const,
      organisationName: "LEAP",
      organisationType: "police_association" as const,
      country: "DE",
      website: "https://leap.example",
    };
    const line = signatoryLine(entry);
    expect(line).toMatchObject({
      lead: "LEAP",
      details: ["Police association or union", "Germany"],
      website: "https://leap.example",
      evidence: "e-mail domain matches the organisation’s website",
    });
    expect(signatoryLine({ ...entry, evidence: "verified" }).evidence).toBe("verified by the organisers");
    expect(signatoryLine({ ...entry, evidence: "unverified" }).evidence).toBe("unverified");
  });

  it("ignores unknown codes rather than inventing labels", () => {
    const line = signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email", capacity: "spy" as never, country: "QQ" });
    expect(line.lead).toBe("An individual signatory, QQ");
  });
});

describe("countsSentence", () => {
  it("reads like the issue", () => {
    expect(countsSentence({ current: 128, earlier: 14 }, 3)).toBe("128 endorse version 3; 14 endorsed an earlier version");
    expect(countsSentence({ current: 1, earlier: 0 }, 1)).toBe("1 endorses version 1");
    expect(countsSentence({ current: 0, earlier: 0 }, 2)).toBe("Nobody endorses version 2 yet; nobody endorsed an earlier version");
    expect(countsSentence({ current: 0, earlier: 0 }, 1)).toBe("Nobody endorses version 1 yet");
    expect(countsSentence({ current: 3, earlier: 0 }, 2)).toBe("3 endorse version 2; nobody endorsed an earlier version");
    expect(countsSentence({ current: 1234, earlier: 0 }, 1)).toBe("1,234 endorse version 1");
  });
});

describe("CSV", () => {
  it("neutralises formula cells and quotes what needs quoting", () => {
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(3)).toBe("3");
    expect(csvRow(["a", null, "b c"])).toBe("a,,b c\r\n");
  });
});

describe("SVG", () => {
  it("escapes text and drops characters XML cannot hold", () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u0007`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    const svg = badgeSvg({ title: "<script>alert(1)</script>", count: 12, versionNumber: 2 });
    expect(svg).not.toContain("<script");
    expect(svg).toContain("<title>&lt;script&gt;alert(1)&lt;/script&gt;: 12 endorse version 2</title>");
    expect(svg).toContain(">12</text>");
  });
});

describe("filters and links", () => {
  it("accepts only known kinds, two-letter countries and http(s) websites", () => {
    expect(parseKindFilter("organisation")).toBe("organisation");
    expect(parseKindFilter("<script>")).toBeUndefined();
    expect(parseCountryFilter("se")).toBe("SE");
    expect(parseCountryFilter("SWE")).toBeUndefined();
    expect(parseCountryFilter(null)).toBeUndefined();
    expect(safeWebsite("javascript:alert(1)")).toBeNull();
    expect(safeWebsite("data:text/html,x")).toBeNull();
    expect(safeWebsite("not a url")).toBeNull();
    expect(safeWebsite("https://example.org")).toBe("https://example.org/");
  });
});

describe("one vocabulary", () => {
  it("words each capacity the same way in the form, the public list and the preview", async () => {
    const { CAPACITIES, CAPACITY_LABELS, CAPACITY_NOUNS, CAPACITY_PHRASES, describeIndividual } = await import("../../app/declarations/endorsement-words");
    for (const c of CAPACITIES) {
      expect(CAPACITY_LABELS[c].toLowerCase().startsWith(CAPACITY_NOUNS[c]), c).toBe(true);
      expect(CAPACITY_PHRASES[c].toLowerCase()).toBe(`a ${CAPACITY_NOUNS[c]}`);
      const publicLine = signatoryLine({ id: "e", kind: "individual", versionNumber: 1, evidence: "email", capacity: c, country: "SE" }).lead;
      expect(describeIndividual({ capacity: c, country: "SE" }), c).toBe(publicLine);
    }
  });

  it("words organisation kinds and evidence as the forms and receipts do", async () => {
    const words = await import("../../app/declarations/endorsement-words");
    for (const t of words.ORGANISATION_TYPES) {
      const line = signatoryLine({ id: "e", kind: "organisation", versionNumber: 1, evidence: "verified", organisationName: "X", organisationType: t });
      expect(line.details[0]).toBe(words.ORGANISATION_TYPE_LABELS[t]);
    }
    for (const e of ["domain", "verified", "unverified"] as const) {
      const line = signatoryLine({ id: "e", kind: "organisation", versionNumber: 1, evidence: e, organisationName: "X" });
      expect(line.evidence).toBe(words.EVIDENCE_LABELS[e].toLowerCase());
    }
  });
});
