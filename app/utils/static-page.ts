/**
 * Pages that are read, not used: a route exporting `handle = staticPage` is sent without any JavaScript (no Remix
 * runtime, no React hydration). Its links and forms are plain HTML and work as such; issue 15 asks the public
 * reading pages to stay at zero JavaScript, so a reader's browser runs nothing of ours there.
 */
export const staticPage = { hydrate: false } as const;

/** True when any route of the page asked to be sent without JavaScript. */
export function isStaticPage(matches: ReadonlyArray<{ handle?: unknown }>): boolean {
  return matches.some((match) => {
    const handle = match.handle as { hydrate?: unknown } | undefined;
    return handle?.hydrate === false;
  });
}
