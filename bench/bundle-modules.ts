/**
 * What the editor route's JavaScript is made of: each script of `npm run bench:bundle`'s count, split by the source
 * module its bytes come from (read from the build's source maps), each module's share of its file's gzipped size.
 * The shares are estimates (gzip compresses a file as a whole; bytes before a line's first mapping, a few, are not
 * counted) scaled to add up to each file's real gzipped size.
 *
 *   npm run bench:bundle-modules            builds as `npm run build` does (remix build, then oxc-minify:
 *                                           server/minify-assets.ts) with source maps, weighs, then builds again
 *                                           without them so public/build never serves maps; top 40 modules
 *   npm run bench:bundle-modules -- 80 pkg  the top 80, grouped by package (our own code by folder)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EDITOR_ROUTE, readManifest, routeBundle } from "./bundle-size";

const PUBLIC_DIR = fileURLToPath(new URL("../public", import.meta.url));
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

interface SourceMap {
  sources: string[];
  mappings: string;
}

/** Bytes of `code` per source of its map: each generated segment counts for the source it maps to, up to the next segment. */
export function bytesPerSource(code: string, map: SourceMap): Map<string, number> {
  const totals = new Map<string, number>();
  const lines = code.split("\n");
  const groups = map.mappings.split(";");
  let source = 0;
  for (let line = 0; line < groups.length; line += 1) {
    const text = lines[line] ?? "";
    let column = 0;
    const segments: { column: number; source: number | null }[] = [];
    for (const segment of groups[line]!.split(",")) {
      if (segment === "") continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      segments.push({ column, source: fields.length > 1 ? source : null });
    }
    segments.forEach((s, i) => {
      const end = segments[i + 1]?.column ?? text.length;
      const name = s.source === null ? "(unmapped)" : (map.sources[s.source] ?? "(unmapped)");
      totals.set(name, (totals.get(name) ?? 0) + Math.max(0, end - s.column));
    });
  }
  return totals;
}

/** "node_modules/@scope/pkg/dist/x.js" → "@scope/pkg"; our own files by their first two folders ("app/editor"). */
export function packageOf(source: string): string {
  const inModules = source.split("node_modules/").pop()!;
  if (inModules !== source) return inModules.split("/").slice(0, inModules.startsWith("@") ? 2 : 1).join("/");
  return source.replace(/^(\.\.\/)+/, "").split("/").slice(0, 2).join("/");
}

export function moduleShares(publicDir = PUBLIC_DIR, routeId = EDITOR_ROUTE): Map<string, number> {
  const shares = new Map<string, number>();
  for (const file of routeBundle(readManifest(publicDir), routeId, publicDir).files) {
    const path = join(publicDir, file.path);
    if (!existsSync(`${path}.map`)) throw new Error(`No source map for ${file.path}: build with --sourcemap`);
    const perSource = bytesPerSource(readFileSync(path, "utf8"), JSON.parse(readFileSync(`${path}.map`, "utf8")) as SourceMap);
    const mapped = [...perSource.values()].reduce((a, b) => a + b, 0);
    for (const [source, bytes] of perSource) {
      const name = source.includes("node_modules/") ? `node_modules/${source.split("node_modules/").pop()}` : source.replace(/^(\.\.\/)+/, "");
      shares.set(name, (shares.get(name) ?? 0) + (bytes / mapped) * file.gzipped);
    }
  }
  return shares;
}

function main() {
  const top = Number(process.argv[2] ?? 40);
  const byPackage = process.argv[3] === "pkg";
  // As `npm run build` does: remix build, then oxc-minify (server/minify-assets.ts), which carries the source maps through.
  const build = (...args: string[]) => {
    execFileSync("npx", ["remix", "build", ...args], { stdio: "ignore" });
    execFileSync("npx", ["tsx", "server/minify-assets.ts"], { stdio: "ignore" });
  };
  build("--sourcemap");
  let shares: Map<string, number>;
  try {
    shares = moduleShares();
  } finally {
    build();
  }
  const grouped = new Map<string, number>();
  for (const [name, bytes] of shares) {
    const key = byPackage ? packageOf(name) : name;
    grouped.set(key, (grouped.get(key) ?? 0) + bytes);
  }
  const total = [...grouped.values()].reduce((a, b) => a + b, 0);
  console.log(`Editor route (${EDITOR_ROUTE}): ${(total / 1024).toFixed(1)} kB gzipped; the ${top} largest ${byPackage ? "packages" : "modules"}:`);
  for (const [name, bytes] of [...grouped].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(bytes / 1024).toFixed(1).padStart(7)} kB  ${name}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
