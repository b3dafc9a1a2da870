/** The names of roles, kinds and statuses (app/workshops/names.ts): one set for every page, in each language. */
import { describe, expect, it } from "vitest";
import { tFor } from "../../app/i18n/strings.server";
import { kindName, roleName, roleNames, statusName } from "../../app/workshops/names";
import { documentNames } from "../../app/workshops/page-names.server";

describe("the names of roles, kinds and statuses", () => {
  it("names every role in the language asked for, the same for the presence list as for one role", () => {
    const sv = tFor("sv");
    expect(roleNames(sv)).toEqual({ organizer: "Arrangör", editor: "Redaktör", commenter: "Kommentator", viewer: "Läsare" });
    expect(roleNames(tFor("es"))).toEqual({ organizer: "Organizador", editor: "Editor", commenter: "Comentarista", viewer: "Lector" });
    for (const role of ["organizer", "editor", "commenter", "viewer"] as const) expect(roleName(sv, role)).toBe(roleNames(sv)[role]);
  });

  it("names kinds and statuses, and leaves an unknown one as it is, even one named like an object's property", () => {
    const fr = tFor("fr");
    expect(kindName(fr, "discussion_paper")).toBe("Document de réflexion");
    expect(statusName(fr, "archived")).toBe("Archivé");
    for (const odd of ["pamphlet", "constructor", "__proto__", "toString", ""]) {
      expect(kindName(fr, odd)).toBe(odd);
      expect(statusName(fr, odd)).toBe(odd);
    }
  });

  it("gives the document page its names already said", () => {
    expect(documentNames(tFor("en"), { kind: "statement", status: "published" })).toEqual({
      kind: "Statement",
      status: "Published",
      roles: { organizer: "Organiser", editor: "Editor", commenter: "Commenter", viewer: "Viewer" },
    });
  });
});
