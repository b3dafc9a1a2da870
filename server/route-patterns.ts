/**
 * The route a request path belongs to, as a pattern ("/d/:slug/v/:number/pdf"), for request logs and metrics: a
 * path can carry a secret (an invitation or a reset link), and metrics need a bounded set of labels, so neither ever
 * sees the path itself. Patterns come from the Remix build's route table plus the few paths Express answers itself.
 */
import type { ServerBuild } from "@remix-run/node";

interface Pattern {
  text: string;
  segments: string[];
  /** Static segments weigh most, then parameters; a splat matches any rest. */
  score: number;
}

/** A route's path joined with its parents', without the leading slash ("api/documents/:id/threads"). */
export function fullPath(routes: ServerBuild["routes"], id: string): string {
  const parts: string[] = [];
  let route: ServerBuild["routes"][string] | undefined = routes[id];
  while (route) {
    if (route.path) parts.unshift(route.path);
    route = route.parentId ? routes[route.parentId] : undefined;
  }
  return parts.join("/");
}

function toPattern(path: string): Pattern {
  const segments = path.split("/").filter(Boolean);
  const score = segments.reduce((s, seg) => s + (seg === "*" ? 0 : seg.startsWith(":") ? 2 : 3), 0);
  return { text: `/${segments.join("/")}`, segments, score };
}

function matches(pattern: Pattern, parts: string[]): boolean {
  const splat = pattern.segments.at(-1) === "*";
  const fixed = splat ? pattern.segments.length - 1 : pattern.segments.length;
  if (splat ? parts.length < fixed : parts.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    const seg = pattern.segments[i]!;
    if (!seg.startsWith(":") && seg !== parts[i]) return false;
  }
  return true;
}

export type RouteOf = (path: string, status: number) => string;

/** A function from a request path (and its answer's status) to its route pattern, "static" or "unmatched". */
export function routePatterns(build: Pick<ServerBuild, "routes">): RouteOf {
  const paths = new Set(Object.keys(build.routes).map((id) => fullPath(build.routes, id)));
  const patterns = [...paths, "healthz"].map(toPattern).sort((a, b) => b.score - a.score || b.segments.length - a.segments.length);
  return (path, status) => {
    if (path.startsWith("/build/")) return "/build/*";
    const parts = path.split("/").filter(Boolean);
    const found = patterns.find((p) => matches(p, parts));
    if (found) return found.text;
    return status < 400 ? "static" : "unmatched";
  };
}
