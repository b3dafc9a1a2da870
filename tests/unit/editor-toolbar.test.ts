import { describe, expect, it } from "vitest";
import { MORE_COMMANDS, TOOLBAR_COMMANDS, withDefaultScheme } from "../../app/editor/toolbar-commands";

describe("the editor's toolbar commands", () => {
  it("give every command an accessible name that contains its visible text (WCAG 2.5.3)", () => {
    for (const command of [...TOOLBAR_COMMANDS, ...MORE_COMMANDS]) {
      expect(command.label.toLowerCase(), command.label).toContain(command.text.toLowerCase());
    }
  });

  it("keep the toolbar short enough for one row and put each command in one place only", () => {
    expect(TOOLBAR_COMMANDS.length).toBeLessThanOrEqual(9);
    const labels = [...TOOLBAR_COMMANDS, ...MORE_COMMANDS].map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(MORE_COMMANDS.map((c) => c.label)).toEqual(["Strikethrough", "Heading 3", "Quote", "Horizontal rule"]);
  });

  it("read a bare address as a web address and a bare e-mail address as mailto", () => {
    expect(withDefaultScheme("example.org")).toBe("https://example.org");
    expect(withDefaultScheme("ana@example.org")).toBe("mailto:ana@example.org");
    expect(withDefaultScheme("javascript:alert(1)")).toBe("javascript:alert(1)");
  });
});
