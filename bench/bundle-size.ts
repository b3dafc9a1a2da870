/**
 * The JavaScript a page loads, gzipped, read from the Remix build (public/build, `npm run build` first): the entry
 * and its imports, the root route, the page's route module, and everything those import, statically or by dynamic
 * `import()`, followed through the chunks themselves so a lazily loaded chunk still counts.
 *
 *   npm run bench:bundle            the document (editor) route against its 220 kB aim, and the public pages
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

export const EDITOR_ROUTE = "routes/documents.$id";
export const EDITOR_AIM_BYTES = 220 * 1024;
/** The public pages a reader reaches without an account. */
export const PUBLIC_ROUTES = ["routes/_index", "routes/d.$slug", "routes/d.$slug_.v.$number", "routes/verify"];

interface ManifestRoute {
  module: string;
  imports?: string[];
}
interface Manifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, ManifestRoute>;
}

const PUBLIC_DIR = fileURLToPath(new URL("../public", import.meta.url));

export function readManifest(publicDir = PUBLIC_DIR): Manifest {
  const buildDir = join(publicDir, "build");
  const file = readdirSync(buildDir).find((name) => /^manifest-.*\.js$/.test(name));
  if (!file) throw new Error(`No Remix manifest in ${buildDir}: run npm run build first`);
  const source = readFileSync(join(buildDir, file), "utf8");
  return JSON.parse(source.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as Manifest;
}

const IMPORTED = /(?:from|import)\s*\(?\s*"(\/build\/[^"]+\.js)"/g;

export interface RouteBundle {
  files: { path: string; gzipped: number }[];
  gzipped: number;
}

/** Every file the page of `routeId` loads, with its gzipped size (level 9, as a server would send it). */
export function routeBundle(manifest: Manifest, routeId: string, publicDir = PUBLIC_DIR): RouteBundle {
  const route = manifest.routes[routeId];
  if (!route) throw new Error(`No route ${routeId} in the manifest`);
  const root = manifest.routes.root!;
  const queue = [manifest.entry.module, ...manifest.entry.imports, root.module, ...(root.imports ?? []), route.module, ...(route.imports ?? [])];
  const seen = new Set<string>();
  const files: RouteBundle["files"] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const body = readFileSync(join(publicDir, path));
    files.push({ path, gzipped: gzipSync(body, { level: 9 }).length });
    for (const match of body.toString("utf8").matchAll(IMPORTED)) queue.push(match[1]!);
  }
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
