/** Debian's Chromium driven by Playwright's library (never a downloaded browser), and an axe-core check. */
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "vitest";
import { chromiumPath } from "./check-chromium";

/** Uncaught errors in any page (e.g. a value imported from a `.server` module is undefined in the browser). */
export const pageErrors: string[] = [];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)");
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser["newContext"]>) => {
    const context = await newContext(...args);
    context.on("weberror", (e) => pageErrors.push(`${e.page()?.url() ?? "?"}: ${e.error().message}`));
    return context;
  };
  return browser;
}

/**
 * axe-core on the page as it is now, run in the page itself (`axe.run`). The default instead runs `axe.runPartial` in
 * each frame and `axe.finishRun` in a new blank page, which cost about a second more per check (the accessibility
 * crawl took 270 s instead of 170), and is needed only to look inside frames: Accord's pages have none, and one that
 * gains a frame fails here rather than going unchecked inside it.
 */
function axeOn(page: Page): AxeBuilder {
  expect(page.frames().map((f) => f.url()), "a page with frames: check it with axe's default mode, which looks inside them").toHaveLength(1);
  return new AxeBuilder({ page }).setLegacyMode();
}

/** The tags of WCAG 2.2 level AA (issue 15). */
const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** The page's WCAG 2.2 AA violations as axe-core finds them now, one line each (rule: the elements). */
export async function wcagViolations(page: Page): Promise<string[]> {
  const results = await axeOn(page).withTags(WCAG_22_AA).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Run axe-core on the page as it is now; any violation fails the test with a readable list. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await axeOn(page).analyze();
  const problems = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(problems, `axe-core violations on ${page.url()}`).toEqual([]);
  expect(pageErrors, "uncaught errors in the browser").toEqual([]);
}

/**
 * Waits until the editor's own selection (ProseMirror's) is the browser's. ProseMirror reads a selection the browser
 * made itself (a click, or End) on the page's `selectionchange` event, a task later; a key pressed before that
 * (Enter, a letter) acts on the selection it had before. A person's next key comes long after that; a test's can
 * come within the millisecond, and its words then land elsewhere in the text.
 */
export async function editorSelectionRead(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    type View = { state: { selection: { anchor: number; head: number } }; posAtDOM(node: Node, offset: number): number };
    const element = document.querySelector(".document-editor") as (HTMLElement & { editor?: { view: View } }) | null;
    const view = element?.editor?.view;
    const selection = document.getSelection();
    if (!view || !selection?.anchorNode || !selection.focusNode || !element!.contains(selection.anchorNode)) return false;
    try {
      return view.state.selection.anchor === view.posAtDOM(selection.anchorNode, selection.anchorOffset) && view.state.selection.head === view.posAtDOM(selection.focusNode, selection.focusOffset);
    } catch {
      return false;
    }
  });
}

/** Clicks `block` of the editor, then presses End, as a person would: each once the editor has read the selection. */
export async function caretAtEnd(page: Page, block: Locator): Promise<void> {
  await block.click();
  await editorSelectionRead(page);
  await page.keyboard.press("End");
  await editorSelectionRead(page);
}
