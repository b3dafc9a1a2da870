/**
 * The public diff between published versions (/d/<slug>/changes/<n>) is kept once computed, also when it ran out of
 * its time budget: an anonymous visitor asking again and again for a diff too costly to finish costs its CPU once.
 */
import { describe, expect, it } from "vitest";
import { loadChanges } from "../../app/models/publishing.server";
import { publishDeclaration, publishVersion } from "../support/endorsement-fixtures";

describe("diffs between published versions", () => {
  it("are computed at most once per pair, also when they ran out of time and show changed blocks whole", async () => {
    const declaration = await publishDeclaration({ text: "Police for harm reduction\n\nFirst wording of the call." });
    await publishVersion(declaration, "Police for harm reduction\n\nSecond wording of the call, longer.");
    const first = await loadChanges(declaration.documentId, 1, 2, 1, 0); // no time at all: over budget at once
    expect(first!.diff.truncated).toBe(true);
    const again = await loadChanges(declaration.documentId, 1, 2, 1, 0);
    expect(again!.diff).toBe(first!.diff);
    // Another heading level is another rendering, kept on its own.
    const nested = await loadChanges(declaration.documentId, 1, 2, 2);
    expect(nested!.diff).not.toBe(first!.diff);
    expect(await loadChanges(declaration.documentId, 1, 2, 2)).toMatchObject({ diff: nested!.diff });
  });
});
