/** The `@` member picker's rules (app/threads/mention-picker.ts): what is being typed, who matches, the text after choosing. */
import { describe, expect, it } from "vitest";
import { MAX_OPTIONS, matchingMembers, mentionAt, withMention } from "../../app/threads/mention-picker";

describe("the mention being typed", () => {
  it("is the text from an @ at the start or after a space up to the caret", () => {
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("Hello @Vi", 9)).toEqual({ start: 6, query: "Vi" });
    expect(mentionAt("Hello @Vic Vi", 13)).toEqual({ start: 6, query: "Vic Vi" });
    expect(mentionAt("(@Ann", 5)).toEqual({ start: 1, query: "Ann" });
  });

  it("is none inside an e-mail address, across a line break, after two spaces or with the caret before the @", () => {
    expect(mentionAt("mail ann@example.org", 20)).toBeNull();
    expect(mentionAt("@Vic\nnext", 9)).toBeNull();
    expect(mentionAt("@Vic  Viewer", 12)).toBeNull();
    expect(mentionAt("@ Vic", 5)).toBeNull();
    expect(mentionAt("text @Vic", 3)).toBeNull();
    expect(mentionAt(`@${"a".repeat(200)}`, 201)).toBeNull();
  });
});

describe("the members offered", () => {
  const names = ["Vic Viewer", "Ann", "Ann Lee", "Edna Editor", "Carl Commenter", "Zoë (Chair) [*]+? $1"];

  it("are those whose name or one of its words starts with what was typed, case-insensitively, name starts first", () => {
    expect(matchingMembers(names, "ann")).toEqual(["Ann", "Ann Lee"]);
    expect(matchingMembers(names, "lee")).toEqual(["Ann Lee"]);
    expect(matchingMembers(names, "e")).toEqual(["Edna Editor"]);
    expect(matchingMembers(names, "com")).toEqual(["Carl Commenter"]);
    expect(matchingMembers(names, "vic v")).toEqual(["Vic Viewer"]);
    expect(matchingMembers(names, "(chair) [*]")).toEqual([]);
    expect(matchingMembers(names, "zoë (chair) [*]")).toEqual(["Zoë (Chair) [*]+? $1"]);
    expect(matchingMembers(names, "nobody")).toEqual([]);
  });

  it("are everyone, alphabetically and at most eight, for a bare @", () => {
    const many = Array.from({ length: 12 }, (_, i) => `Member ${String(i).padStart(2, "0")}`);
    expect(matchingMembers(many, "")).toHaveLength(MAX_OPTIONS);
    expect(matchingMembers(["b", "a", "a"], "")).toEqual(["a", "b"]);
  });
});

describe("choosing a member", () => {
  it("writes @Name and one space in place of what was typed, with the caret after it", () => {
    expect(withMention("Hi @vi", 3, 6, "Vic Viewer")).toEqual({ text: "Hi @Vic Viewer ", caret: 15 });
    expect(withMention("Hi @vi and more", 3, 6, "Vic Viewer")).toEqual({ text: "Hi @Vic Viewer and more", caret: 15 });
    expect(withMention("@", 0, 1, "Ann")).toEqual({ text: "@Ann ", caret: 5 });
  });
});
