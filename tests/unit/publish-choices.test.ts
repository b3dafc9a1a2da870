import { describe, expect, it } from "vitest";
import { emptySections } from "../../app/declarations/empty-sections";
import { defaultChoice } from "../../app/components/publish/version-chooser";

const h = (level: number, text: string) => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] });
const p = (text: string) => ({ type: "paragraph", content: text ? [{ type: "text", text }] : [] });

describe("empty sections", () => {
  it("are headings followed by nothing before a heading of the same or a higher level, or the end", () => {
    const doc = { type: "doc", content: [h(1, "Title"), p("Intro."), h(2, "A"), p(""), h(2, "B"), h(3, "B.1"), p("Text."), h(3, "B.2"), h(1, "End")] };
    expect(emptySections(doc)).toEqual(["A", "B.2", "End"]);
  });

  it("are none in a text where every heading has words under it, and none in an empty text", () => {
    expect(emptySections({ type: "doc", content: [h(1, "Title"), p("Words.")] })).toEqual([]);
    expect(emptySections({ type: "doc", content: [] })).toEqual([]);
  });
});

describe("the version offered by default on the publish page", () => {
  const v = (id: string, publishedAs: number[] = []) => ({ id, name: id, createdAt: new Date(), authorName: null, publishedAs });

  it("is the newest version when it was never published", () => {
    expect(defaultChoice([v("new"), v("old")], null)).toBe("new");
  });

  it("is none when the newest version is already published, even if an older one never was", () => {
    expect(defaultChoice([v("new", [1]), v("old")], null)).toBeNull();
  });

  it("is the version being previewed", () => {
    expect(defaultChoice([v("new"), v("old")], "old")).toBe("old");
  });
});
