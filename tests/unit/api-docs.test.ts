/**
 * docs/api.md stays true: every JSON endpoint (each app/routes/api.* route, and the endorsement POST that Express
 * answers ahead of Remix) has a section, and every section names an endpoint that exists.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** "api.documents.$id.versions.tsx" → "/api/documents/:id/versions"; "[.]csv" → ".csv". Null for the catch-all. */
function routePath(file: string): string | null {
  const base = file.replace(/\.tsx?$/, "");
  if (base === "api.$") return null;
  const segments = base.replace(/\[\.\]/g, "\u0000").split(".");
  return "/" + segments.map((s) => (s.startsWith("$") ? `:${s.slice(1)}` : s).replace(/\u0000/g, ".")).join("/");
}

function documentedPaths(): Set<string> {
  const text = readFileSync(path.join(ROOT, "docs/api.md"), "utf8");
  const out = new Set<string>();
  for (const match of text.matchAll(/^### `(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`\s]*)`$/gm)) out.add(match[2]!);
  return out;
}

describe("docs/api.md", () => {
  const routes = readdirSync(path.join(ROOT, "app/routes"))
    .filter((f) => f.startsWith("api."))
    .map(routePath)
    .filter((p): p is string => p !== null);

  it("has a section for every API route", () => {
    const documented = documentedPaths();
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it("documents no route that does not exist", () => {
    expect([...documentedPaths()].filter((p) => !routes.includes(p))).toEqual([]);
  });

  it("turns route file names into paths", () => {
    expect(routePath("api.documents.$id.versions.tsx")).toBe("/api/documents/:id/versions");
    expect(routePath("api.declarations.$slug.endorsements[.]csv.tsx")).toBe("/api/declarations/:slug/endorsements.csv");
    expect(routePath("api.$.tsx")).toBeNull();
  });
});
