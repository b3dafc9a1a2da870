/**
 * The JavaScript a page loads, gzipped, read from the Remix build (public/build, `npm run build` first): the entry
 * and its imports, the root route, the page's route module, and everything those import, statically or by dynamic
 * `import()`, followed through the chunks themselves so a lazily loaded chunk still counts.
 *
 * Every chunk found counts, lazy ones too, because each is one a page load may fetch: none is one of several
 * alternatives a page picks from (the interface's words come in the loaders' data, one language, not in chunks: ADR
 * 0009), so the sum is what a browser fetches for the page with all its panels opened once. Were a chunk ever one of
 * several alternatives (one per language, say), only the one a page picks would count, and this rule would say so.
 *
 *   npm run bench:bundle            the document (editor) route against its 220 kB aim, and the public pages
 *   npm run bench:bundle-modules    the editor route's bytes by source module (bench/bundle-modules.ts)
 */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { DOCUMENT_ROUTE, readManifest as readBuildManifest, routeFiles, type BuildManifest } from "../server/build-assets";

export const EDITOR_ROUTE = DOCUMENT_ROUTE;
export const EDITOR_AIM_BYTES = 220 * 1024;
/** The public pages a reader reaches without an account. */
export const PUBLIC_ROUTES = ["routes/_index", "routes/d.$slug", "routes/d.$slug_.v.$number", "routes/verify"];

const PUBLIC_DIR = fileURLToPath(new URL("../public", import.meta.url));

export function readManifest(publicDir = PUBLIC_DIR): BuildManifest {
  return readBuildManifest(publicDir);
}

export interface RouteBundle {
  files: { path: string; gzipped: number }[];
  gzipped: number;
}

/** Every script the page of `routeId` loads (server/build-assets.ts), with its gzipped size (level 9, as a server would send it). */
export function routeBundle(manifest: BuildManifest, routeId: string, publicDir = PUBLIC_DIR): RouteBundle {
  const files = routeFiles(manifest, routeId, publicDir).scripts.map(({ path, body }) => ({ path, gzipped: gzipSync(body, { level: 9 }).length }));
  return { files, gzipped: files.reduce((sum, f) => sum + f.gzipped, 0) };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function main() {
  const manifest = readManifest();
  const editor = routeBundle(manifest, EDITOR_ROUTE);
  console.log(`Editor route (${EDITOR_ROUTE}): ${kB(editor.gzipped)} gzipped in ${editor.files.length} files`);
  for (const f of [...editor.files].sort((a, b) => b.gzipped - a.gzipped)) console.log(`  ${kB(f.gzipped).padStart(9)}  ${f.path}`);
  console.log(`Ratio to the 220 kB aim: ${(editor.gzipped / EDITOR_AIM_BYTES).toFixed(2)}`);
  console.log("Public reading pages: 0 kB (sent without scripts, app/utils/static-page.ts); their route modules, loaded only when a");
  console.log("hydrated page navigates to them:");
  for (const id of PUBLIC_ROUTES) console.log(`  ${id}: ${kB(routeBundle(manifest, id).gzipped)} gzipped with React and Remix`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
