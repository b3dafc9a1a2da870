import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { routeFiles, readManifest } from "../../server/build-assets";
import { minifyAssets } from "../../server/minify-assets";

/* `npm run build` minifies the browser build again (oxc-minify) after remix build (server/minify-assets.ts). */
describe("the second minification of the browser build", () => {
  let publicDir: string;
  const write = (path: string, text: string) => writeFileSync(join(publicDir, "build", path), text);
  const read = (path: string) => readFileSync(join(publicDir, "build", path), "utf8");

  beforeEach(() => {
    publicDir = mkdtempSync(join(tmpdir(), "accord-minify-"));
    mkdirSync(join(publicDir, "build", "routes"), { recursive: true });
    mkdirSync(join(publicDir, "build", "_shared"), { recursive: true });
  });
  afterEach(() => rmSync(publicDir, { recursive: true, force: true }));

  it("makes the scripts smaller, keeping their licence notices and the imports the manifest's readers follow", async () => {
    const manifest = 'window.__remixManifest={"entry":{"module":"/build/entry.client-A.js","imports":[]},"routes":{"root":{"module":"/build/root-B.js"},"routes/x":{"module":"/build/routes/x-C.js"}}};';
    write("manifest-1.js", manifest);
    write("entry.client-A.js", 'var message = "hello";\nexport { message };\n');
    write("root-B.js", 'import { shared } from "/build/_shared/chunk-D.js";\nexport default function Root() {\n  return shared;\n}\n');
    write(
      "routes/x-C.js",
      'import { shared } from "/build/_shared/chunk-D.js";\nfunction lazyPanel() {\n  return import("/build/_shared/panel-E.js");\n}\nexport { shared, lazyPanel };\n',
    );
    write("_shared/chunk-D.js", "/**\n * @license MIT\n */\nfunction unusedHelper(value) {\n  return value * 2;\n}\nvar shared = 40 + 2;\nexport { shared };\n");
    write("_shared/panel-E.js", "export function panel() {\n  if (true) {\n    return 1;\n  }\n  return 2;\n}\n");

    const result = await minifyAssets(publicDir);

    expect(result.files).toBe(5);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(read("manifest-1.js")).toBe(manifest);
    expect(read("_shared/chunk-D.js")).toContain("@license MIT");
    expect(read("_shared/chunk-D.js")).not.toContain("unusedHelper");
    expect(read("_shared/panel-E.js")).not.toContain("return 2");
    const scripts = routeFiles(readManifest(publicDir), "routes/x", publicDir).scripts.map((s) => s.path);
    expect(scripts.sort()).toEqual(["/build/_shared/chunk-D.js", "/build/_shared/panel-E.js", "/build/entry.client-A.js", "/build/root-B.js", "/build/routes/x-C.js"]);
  });

  it("carries a script's source map through to its new code", async () => {
    write("manifest-1.js", "window.__remixManifest={};");
    write("entry.client-A.js", "var first = 1;\nexport { first };\n//# sourceMappingURL=entry.client-A.js.map\n");
    const map = { version: 3, sources: ["../app/entry.client.tsx"], names: [], mappings: "AAAA,IAAI,QAAQ" };
    write("entry.client-A.js.map", JSON.stringify(map));

    await minifyAssets(publicDir);

    expect(read("entry.client-A.js")).toMatch(/\/\/# sourceMappingURL=entry\.client-A\.js\.map$/);
    const minifiedMap = JSON.parse(read("entry.client-A.js.map")) as { sources: string[]; mappings: string };
    expect(minifiedMap.sources).toEqual(["../app/entry.client.tsx"]);
    expect(minifiedMap.mappings).not.toBe("");
  });
});
