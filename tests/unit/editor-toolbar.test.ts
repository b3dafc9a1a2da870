import { describe, expect, it } from "vitest";
import { MORE_COMMANDS, TOOLBAR_COMMANDS, withDefaultScheme } from "../../app/editor/toolbar-commands";
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
