import { describe, expect, it } from "vitest";
import { MORE_COMMANDS, TOOLBAR_COMMANDS, withDefaultScheme } from "../../app/editor/toolbar-commands";
import { shortenedParts } from "../../app/components/editor-toolbar";
import { LOCALES } from "../../app/i18n/locales";
import { tFor } from "../../app/i18n/strings.server";

const en = tFor("en");

describe("the editor's toolbar commands", () => {
  it("give every command an accessible name that contains its visible text (WCAG 2.5.3)", () => {
    for (const locale of LOCALES) {
      for (const command of [...TOOLBAR_COMMANDS, ...MORE_COMMANDS]) {
        const { label, text } = command.words(tFor(locale));
        expect(label.toLowerCase(), `${locale}: ${label}`).toContain(text.toLowerCase());
      }
    }
  });

  it("keep the toolbar short enough for one row and put each command in one place only", () => {
    expect(TOOLBAR_COMMANDS.length).toBeLessThanOrEqual(9);
    const labels = [...TOOLBAR_COMMANDS, ...MORE_COMMANDS].map((c) => c.words(en).label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(MORE_COMMANDS.map((c) => c.words(en).label)).toEqual(["Strikethrough", "Heading 3", "Quote", "Horizontal rule"]);
  });

  it("read a bare address as a web address and a bare e-mail address as mailto", () => {
    expect(withDefaultScheme("example.org")).toBe("https://example.org");
    expect(withDefaultScheme("ana@example.org")).toBe("mailto:ana@example.org");
    expect(withDefaultScheme("javascript:alert(1)")).toBe("javascript:alert(1)");
  });
});

describe("the discussion buttons' short labels on a phone", () => {
  it("show the label's start and end and leave out words between, in every language, for any count", () => {
    for (const locale of LOCALES) {
      const t = tFor(locale);
      const pairs = [
        [t("editor:discussion.propose"), t("editor:discussion.proposeShort")],
        ...[0, 1, 2, 5, 21, 1000].map((count) => [t("editor:discussion.toggle", { count }), t("editor:discussion.toggleShort", { count })]),
      ];
      for (const [label, short] of pairs) {
        const parts = shortenedParts(label!, short);
        expect(parts, `${locale}: "${short}" is "${label}" with words left out`).not.toBeNull();
        expect(parts!.join(""), locale).toBe(label);
        expect(parts![0] + parts![2], locale).toBe(short);
        expect(parts![1].trim().length, `${locale}: words are left out`).toBeGreaterThan(0);
      }
    }
    expect(shortenedParts("Discussion (3 open)", "Discussion (3)")).toEqual(["Discussion (3", " open", ")"]);
    expect(shortenedParts("Propose a change", "Propose")).toEqual(["Propose", " a change", ""]);
  });

  it("fall back to the whole label when the short one is not its start and end, or not shorter", () => {
    expect(shortenedParts("Propose a change", "Suggest")).toBeNull();
    expect(shortenedParts("Discussion (3 open)", "Discussion (4)")).toBeNull();
    expect(shortenedParts("Comment", "Comment")).toBeNull();
    expect(shortenedParts("Comment", undefined)).toBeNull();
    expect(shortenedParts("Comment", "")).toBeNull();
  });
});
