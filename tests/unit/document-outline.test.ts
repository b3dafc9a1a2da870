import { describe, expect, it } from "vitest";
import { Node } from "@tiptap/pm/model";
import { getEditorSchema } from "../../app/editor/extensions";
import { countWords, documentFacts, formatWordCount } from "../../app/editor/document-outline";

const doc = (content: unknown[]) => Node.fromJSON(getEditorSchema(), { type: "doc", content });
const text = (t: string) => ({ type: "text", text: t });

describe("the outline and word count", () => {
  it("list every heading in order with its level, also inside a quote", () => {
    const facts = documentFacts(
      doc([
        { type: "heading", attrs: { level: 1 }, content: [text("Title")] },
        { type: "paragraph", content: [text("Body.")] },
        { type: "blockquote", content: [{ type: "heading", attrs: { level: 3 }, content: [text("Quoted")] }] },
        { type: "heading", attrs: { level: 2 } },
      ]),
    );
    expect(facts.headings.map(({ level, text }) => [level, text])).toEqual([[1, "Title"], [3, "Quoted"], [2, ""]]);
  });

  it("count words across blocks, with apostrophes and hyphens inside words and punctuation outside", () => {
    expect(documentFacts(doc([{ type: "paragraph", content: [text("end.")] }, { type: "paragraph", content: [text("Start")] }])).words).toBe(2);
    expect(countWords("Don't  re-open — the 3 well-known cafés!")).toBe(6);
    expect(countWords(" \n ")).toBe(0);
    expect(formatWordCount(1)).toBe("1 word");
    expect(formatWordCount(12345)).toBe("12,345 words");
  });
});
