import { describe, expect, it } from "vitest";
import { Node } from "@tiptap/pm/model";
import { getEditorSchema } from "../../app/editor/extensions";
import { authorStyle, authorshipRanges, paragraphIndexOf, textblockStarts, type Authorship } from "../../app/editor/authorship";

const doc = (content: unknown[]) => Node.fromJSON(getEditorSchema(), { type: "doc", content });
const text = (t: string) => ({ type: "text", text: t });
const paragraph = (...content: unknown[]) => ({ type: "paragraph", content });

const sample = doc([
  { type: "heading", attrs: { level: 2 }, content: [text("Aim")] },
  { type: "bulletList", content: [{ type: "listItem", content: [paragraph(text("one"), { type: "hardBreak" }, text("two"))] }] },
  { type: "blockquote", content: [paragraph(text("quoted"))] },
]);

const answer = (sizes: number[]): Authorship => ({
  seq: 1,
  authors: [{ name: "Ana", characters: 3 }, { name: "Ben", characters: 3 }],
  paragraphs: sizes.map((size) => ({ size, runs: [{ author: 0, from: 0, to: 1, at: null }, { author: 1, from: 1, to: size, at: null }], authors: [] })),
});

describe("drawing the authorship answer in the editor's document", () => {
  it("finds the textblocks in document order, inside lists and quotes, a line break counting one", () => {
    expect(textblockStarts(sample).map((b) => b.size)).toEqual([3, 7, 6]);
    const starts = textblockStarts(sample).map((b) => b.start);
    expect(sample.textBetween(starts[1]!, starts[1]! + 7, "|", "/")).toBe("one/two");
    expect(paragraphIndexOf(sample, starts[2]!)).toBe(2);
    expect(paragraphIndexOf(sample, starts[2]! + 1)).toBe(-1);
  });

  it("turns each run into a document range that covers the run's text", () => {
    const ranges = authorshipRanges(sample, answer([3, 7, 6]));
    const texts = ranges.map((r) => [r.author, sample.textBetween(r.from, r.to, "", "/")]);
    expect(texts).toEqual([[0, "A"], [1, "im"], [0, "o"], [1, "ne/two"], [0, "q"], [1, "uoted"]]);
  });

  it("leaves out a paragraph whose size changed since the answer, rather than colour the wrong letters", () => {
    const ranges = authorshipRanges(sample, answer([3, 8, 6]));
    expect(ranges.map((r) => sample.textBetween(r.from, r.to, "", "/"))).toEqual(["A", "im", "q", "uoted"]);
  });

  it("marks authors by colour and by underline style, so neighbours never differ by colour alone", () => {
    for (let i = 0; i < 39; i++) {
      const [a, b] = [authorStyle(i), authorStyle(i + 1)];
      expect(a.match(/--c\d/)![0]).not.toBe(b.match(/--c\d/)![0]);
      expect(a.match(/--s\d/)![0]).not.toBe(b.match(/--s\d/)![0]);
    }
  });
});
