import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeDatabase, getSql } from "../../db/client";
import { caretAtEnd, launchBrowser, wcagViolations } from "../support/browser";
import { createE2eDatabase } from "../support/e2e-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { printServerLogOnFailure, recordEditorChanges } from "../support/server-log-on-failure";
import { addMember, createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

let server: ServerProcess;
let browser: Browser;
let documentId: string;
let linksDocumentId: string;
let listsDocumentId: string;
const writer = { email: uniqueEmail("writer"), name: "Wren Writer" };
/** A member who may only read (no formatting toolbar, no "Comment"). */
const reader = { email: uniqueEmail("reader"), name: "Rhea Reader" };

/**
 * The writer (or `who`), signed in, on their workshops page. `serviceWorkers: "block"` lets a test's routes apply to
 * every request.
 */
async function signedIn(viewport: { width: number; height: number }, serviceWorkers: "allow" | "block", who = writer): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, serviceWorkers });
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workshops/);
  return { context, page };
}

/**
 * `doc`: the document to open (the shared one by default; the tests that need the seeded text as it was open their own).
 * `prepare`: runs on the new page before anything loads (routes, with service workers blocked so that they apply).
 */
async function openEditor(viewport: { width: number; height: number }, doc = documentId, prepare?: (page: Page) => Promise<unknown>): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signedIn(viewport, prepare ? "block" : "allow");
  await prepare?.(page);
  await page.goto(`${server.url}/documents/${doc}`);
  await page.locator("[data-testid=save-status]:not([data-state=connecting])").waitFor();
  await page.locator(".document-editor").waitFor();
  return { context, page };
}

async function expectNoWcagViolations(page: Page): Promise<void> {
  expect(await wcagViolations(page)).toEqual([]);
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

printServerLogOnFailure(() => server, () => browser);

beforeAll(async () => {
  const url = await createE2eDatabase();
  server = await startServerProcess(url);
  const [doc] = await getSql()`select d.id, d.workshop_id from documents d where d.slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id;
  // Their own documents, untouched by the other tests (which wrap the end of the shared one in a quote, add headings…).
  const own = await getSql()`select slug, id from documents where slug in ('guidance-policing-amphetamines', 'guidance-policing-young-drug-users') and workshop_id = ${doc!.workshop_id}`;
  linksDocumentId = own.find((d) => d.slug === "guidance-policing-amphetamines")!.id as string;
  listsDocumentId = own.find((d) => d.slug === "guidance-policing-young-drug-users")!.id as string;
  const user = await createUser({ email: writer.email, name: writer.name });
  await addMember(doc!.workshop_id, user.id, "editor");
  await addMember(doc!.workshop_id, (await createUser(reader)).id, "viewer");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await closeDatabase();
});

describe("the editor's toolbar", () => {
  it("is one row on a desktop screen, with targets of at least 24 by 24 pixels whose names contain their words", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 });
    const buttons = await page.getByRole("toolbar", { name: "Formatting" }).locator("[data-toolbar-item]").evaluateAll((elements) =>
      elements.map((e) => {
        const box = e.getBoundingClientRect();
        const hidden = Array.from(e.querySelectorAll("[aria-hidden=true]")).map((h) => h.textContent ?? "").join("");
        const visible = (e.textContent ?? "").replace(hidden, "").trim();
        return { top: (e as HTMLElement).offsetTop, width: box.width, height: box.height, visible, name: e.getAttribute("aria-label") ?? visible };
      }),
    );
    expect(buttons.length).toBeGreaterThanOrEqual(8);
    expect(new Set(buttons.map((b) => b.top)).size, "every button on the same row").toBe(1);
    for (const b of buttons) {
      expect(b.width, b.name).toBeGreaterThanOrEqual(24);
      expect(b.height, b.name).toBeGreaterThanOrEqual(24);
      expect(b.name.toLowerCase(), "the accessible name contains the visible text").toContain(b.visible.toLowerCase());
    }
    await context.close();
  });

  it("opens the More menu, moves through it and runs a command by keyboard alone, with no WCAG violation while open", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 });
    await caretAtEnd(page, page.locator(".document-editor p").last());
    const rulesBefore = await page.locator(".document-editor hr").count();

    // Into the toolbar by keyboard: its End key reaches the More button.
    await page.getByRole("button", { name: "Bold" }).focus();
    await page.keyboard.press("End");
    const more = page.getByRole("button", { name: "More" });
    await expect(more.getAttribute("aria-haspopup")).resolves.toBe("menu");
    await expect(more.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(more.evaluate((e) => e === document.activeElement)).resolves.toBe(true);

    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu", { name: "More" });
    await menu.waitFor();
    await expect(more.getAttribute("aria-expanded")).resolves.toBe("true");
    await expect(focusedName(page)).resolves.toBe("Strikethrough");
    await expectNoWcagViolations(page);

    await page.keyboard.press("End");
    await expect(focusedName(page)).resolves.toBe("Horizontal rule");
    await page.keyboard.press("ArrowDown");
    await expect(focusedName(page)).resolves.toBe("Strikethrough");
    await page.keyboard.press("ArrowUp");
    await expect(focusedName(page)).resolves.toBe("Horizontal rule");
    await page.keyboard.press("Home");
    await expect(focusedName(page)).resolves.toBe("Strikethrough");

    // Escape closes it and gives focus back to the button.
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden" });
    await expect(more.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(more.evaluate((e) => e === document.activeElement)).resolves.toBe(true);

    // Up arrow opens it on the last item; Enter runs it and the caret is back in the text.
    await page.keyboard.press("ArrowUp");
    await expect(focusedName(page)).resolves.toBe("Horizontal rule");
    await page.keyboard.press("Enter");
    await menu.waitFor({ state: "hidden" });
    await expect(page.locator(".document-editor hr").count()).resolves.toBe(rulesBefore + 1);
    await expect(page.evaluate(() => document.activeElement?.classList.contains("document-editor"))).resolves.toBe(true);

    // Quote is a checkbox item that says whether the paragraph is a quote.
    await page.keyboard.type("Quoted words");
    await more.click();
    await page.getByRole("menuitemcheckbox", { name: "Quote" }).click();
    await page.locator(".document-editor blockquote", { hasText: "Quoted words" }).waitFor();
    await more.click();
    await expect(page.getByRole("menuitemcheckbox", { name: "Quote" }).getAttribute("aria-checked")).resolves.toBe("true");
    // A click outside closes it.
    await page.locator("h1, .breadcrumbs").first().click();
    await menu.waitFor({ state: "hidden" });
    await context.close();
  });

  it("leaves the keyboard in the text when its buttons are clicked: the next keys go into the text at once, even after Undo", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 });
    await caretAtEnd(page, page.locator(".document-editor p").last());
    await page.keyboard.press("Enter");
    // Every moment the text loses the keyboard, counted in the page.
    await page.locator(".document-editor").evaluate((editor) => {
      const counter = window as { blurs?: number };
      counter.blurs = 0;
      editor.addEventListener("blur", () => (counter.blurs = (counter.blurs ?? 0) + 1));
    });
    const blurs = () => page.evaluate(() => (window as { blurs?: number }).blurs);

    await page.getByRole("button", { name: "H2 heading" }).click();
    await page.keyboard.type("Clicked then typed");
    await expect(blurs()).resolves.toBe(0);
    await page.locator(".document-editor h2", { hasText: /^Clicked then typed$/ }).waitFor();

    await page.getByRole("button", { name: "Undo" }).click();
    await page.keyboard.type(" after undo");
    await expect(blurs()).resolves.toBe(0);
    await page.locator(".document-editor", { hasText: "after undo" }).waitFor();
    await context.close();
  });

  it("on a phone stays one row that scrolls sideways, and its More menu opens in view", async () => {
    const phone = { width: 390, height: 700 };
    const { context, page } = await openEditor(phone);
    const toolbar = page.getByRole("toolbar", { name: "Formatting" });
    const rows = await toolbar.locator("[data-toolbar-item]").evaluateAll((elements) => new Set(elements.map((e) => (e as HTMLElement).offsetTop)).size);
    expect(rows).toBe(1);
    const more = page.getByRole("button", { name: "More" });
    await more.scrollIntoViewIfNeeded();
    await more.click();
    const box = await page.getByRole("menu", { name: "More" }).boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(phone.width);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(sideways, "the page does not scroll sideways").toBeLessThanOrEqual(0);
    await context.close();
  });

  it("on a phone leaves the text its first screen: the site's menu on one line, the formatting buttons and the save status on one row, the discussion's buttons whole on one row below them", async () => {
    const phone = { width: 390, height: 800 };
    const { context, page } = await openEditor(phone, linksDocumentId);
    // The rows the shown elements matching `selector` take, by their middles (the More menu's items are not shown).
    const rowsOf = (selector: string) =>
      page.locator(selector).evaluateAll((elements) =>
        new Set(elements.filter((e) => e.getClientRects().length > 0).map((e) => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })).size,
      );
    await expect(rowsOf(".site-header .nav > *")).resolves.toBe(1);
    // Row one: the formatting buttons (sideways) and the status; below it: Comment, Propose a change, Discussion.
    await expect(rowsOf(".toolbar-bar .toolbar:not(.toolbar--discussion) [data-toolbar-item], .toolbar-bar .toolbar__status")).resolves.toBe(1);
    // Every discussion button whole on the screen, none cut at the edge ("Discussion" opens the threads' sheet here).
    const discussionButtons = await page.getByRole("toolbar", { name: "Discussion" }).getByRole("button").evaluateAll((buttons) =>
      buttons.map((b) => { const r = b.getBoundingClientRect(); const row = b.closest("[role=toolbar]")!.getBoundingClientRect(); return { name: b.textContent, inside: r.left >= row.left && r.right <= row.right && r.right <= window.innerWidth }; }),
    );
    expect(discussionButtons.map((b) => b.name)).toEqual(["Comment", "Propose a change", expect.stringMatching(/^Discussion/)]);
    expect(discussionButtons.filter((b) => !b.inside), "discussion buttons cut at the edge").toEqual([]);
    // On one row, with short labels ("Propose", "Discussion (N)"), their whole labels still their names: the bar that
    // stays above the keyboard while writing is two rows of buttons, not three.
    await expect(rowsOf(".toolbar--discussion [data-toolbar-item]")).resolves.toBe(1);
    // What each button shows: its words in elements drawn wider than a pixel (the words left out are drawn 0 px wide).
    const shown = await page.getByRole("toolbar", { name: "Discussion" }).getByRole("button").evaluateAll((buttons) =>
      buttons.map((b) => {
        const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
        let words = "";
        for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.parentElement!.getBoundingClientRect().width > 1) words += node.textContent;
        return words.trim();
      }),
    );
    expect(shown).toEqual(["Comment", "Propose", expect.stringMatching(/^Discussion \(\d+\)$/)]);
    await page.getByRole("button", { name: "Propose a change" }).waitFor();
    await page.getByRole("button", { name: /^Discussion \(\d+ open\)$/ }).waitFor();
    const [formatting, status, discussion] = await Promise.all(
      [page.getByRole("toolbar", { name: "Formatting" }), page.locator(".toolbar-bar .toolbar__status"), page.locator(".toolbar--discussion")].map((l) => l.boundingBox()),
    );
    expect(status!.y).toBeLessThan(formatting!.y + formatting!.height);
    expect(discussion!.y).toBeGreaterThanOrEqual(formatting!.y + formatting!.height);
    // The first lines of the text are in the first screen, not under it.
    const text = await page.locator(".document-editor > *").first().boundingBox();
    expect(text!.y + text!.height).toBeLessThanOrEqual(phone.height);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(sideways, "the page does not scroll sideways").toBeLessThanOrEqual(0);
    await expectNoWcagViolations(page);
    await context.close();
  });
});

describe("the editor's outline and word count", () => {
  const wordCount = async (page: Page) => Number((await page.getByTestId("word-count").innerText()).replace(/[^0-9]/g, ""));

  it("lists a heading as soon as it is typed, and activating it scrolls to it with the caret there", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 700 });
    const outline = page.getByRole("navigation", { name: "Outline" });
    await outline.getByRole("button", { name: "Scope" }).waitFor();
    await caretAtEnd(page, page.locator(".document-editor p").last());
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "H2 heading" }).click();
    await page.keyboard.type("Annex on outlines");
    const entry = outline.getByRole("button", { name: "Annex on outlines" });
    await entry.waitFor();

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole("button", { name: "Scope" }).click();
    await page.waitForTimeout(800);
    const target = page.locator(".document-editor h2", { hasText: "Scope" });
    const box = (await target.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(700);
    const caret = await page.evaluate(() => {
      const node = window.getSelection()?.anchorNode;
      const element = node instanceof Element ? node : node?.parentElement;
      return { heading: element?.closest("h1, h2, h3")?.textContent ?? null, inEditor: document.activeElement?.classList.contains("document-editor") };
    });
    expect(caret).toEqual({ heading: "Scope", inEditor: true });
    // Beside the text: the outline's box is to the right of the document's.
    const outlineBox = (await outline.boundingBox())!;
    const documentBox = (await page.locator(".editor-layout .document").boundingBox())!;
    expect(outlineBox.x).toBeGreaterThanOrEqual(documentBox.x + documentBox.width);
    await context.close();
  });

  it("is a collapsed section above the text on a phone", async () => {
    const { context, page } = await openEditor({ width: 390, height: 700 });
    const toggle = page.getByRole("button", { name: /^Show the outline/ });
    await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(page.getByRole("navigation", { name: "Outline" }).getByRole("button", { name: "Scope" }).isVisible()).resolves.toBe(false);
    await toggle.click();
    const entry = page.getByRole("navigation", { name: "Outline" }).getByRole("button", { name: "Scope" });
    await expect(entry.isVisible()).resolves.toBe(true);
    const outlineBox = (await page.getByRole("navigation", { name: "Outline" }).boundingBox())!;
    const documentBox = (await page.locator(".editor-layout .document").boundingBox())!;
    expect(outlineBox.y + outlineBox.height).toBeLessThanOrEqual(documentBox.y);
    await context.close();
  });

  it("counts words as they are typed, and is not a live region until asked", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 });
    const before = await wordCount(page);
    expect(before).toBeGreaterThan(10);
    await caretAtEnd(page, page.locator(".document-editor p").last());
    await page.keyboard.type(" three more words");
    await expect.poll(() => wordCount(page)).toBe(before + 3);
    await expect(page.getByTestId("word-count").evaluate((e) => e.closest("[aria-live]") === null)).resolves.toBe(true);
    await page.getByTestId("word-count").click();
    await expect(page.locator("[aria-live=polite]", { hasText: `${before + 3} words in this document.` }).count()).resolves.toBe(1);
    await expectNoWcagViolations(page);
    await context.close();
  });
});

describe("the editor's page as it loads", () => {
  it("keeps every line of the text where it is while the discussion panel's code arrives", async () => {
    // The panel's code is a chunk of its own, loaded once the editor is there: held here until the text is shown.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { context, page } = await openEditor({ width: 1280, height: 900 }, linksDocumentId, (p) =>
      p.route(/\/build\/_shared\/thread-panel-[^/]+\.js$/, async (route) => {
        await held;
        await route.continue();
      }),
    );
    const lastBlock = page.locator(".document-editor > *").last();
    await expect(page.getByTestId("thread-panel").count()).resolves.toBe(0);
    const before = await lastBlock.boundingBox();
    release();
    await page.getByTestId("thread-panel").waitFor();
    await expect(lastBlock.boundingBox()).resolves.toEqual(before);
    await context.close();
  });

  it.each([
    { who: "an editor", on: "a wide screen", member: writer, viewport: { width: 1280, height: 900 } },
    { who: "an editor", on: "a phone", member: writer, viewport: { width: 390, height: 800 } },
    { who: "a viewer", on: "a wide screen", member: reader, viewport: { width: 1280, height: 900 } },
  ])("shows $who on $on the server's text where the live editor will show it: no line wraps anew, no line moves", async ({ member, viewport }) => {
    const { context, page } = await signedIn(viewport, "block", member);
    // Held back in turn: the page's scripts (the server's page alone), then its live connection ("Connecting…").
    let releaseScripts = () => {};
    const scriptsHeld = new Promise<void>((resolve) => (releaseScripts = resolve));
    await page.route(/\/build\/entry\.client-[^/]+\.js$/, async (route) => {
      await scriptsHeld;
      await route.continue();
    });
    let releaseSocket = () => {};
    const socketHeld = new Promise<void>((resolve) => (releaseSocket = resolve));
    await page.routeWebSocket(/\/collab/, async (socket) => {
      await socketHeld;
      socket.connectToServer();
    });
    // The text's column, the page's width, and each block of the text: where it is, how high, and where each of its
    // lines of words is (so a line that wraps differently, or a text that starts lower, shows).
    const layout = (box: string, text: string) =>
      page.evaluate(
        ([box, text]) => {
          const line = (r: DOMRect) => `${Math.round(r.top + window.scrollY)}:${Math.round(r.left)}+${Math.round(r.width)}`;
          return {
            column: document.querySelector(box)!.getBoundingClientRect().width,
            page: document.querySelector(".page.reading")!.getBoundingClientRect().width,
            blocks: Array.from(document.querySelector(text)!.children).map((block) => {
              const words = document.createRange();
              words.selectNodeContents(block);
              const lines = Array.from(words.getClientRects()).filter((r) => r.width > 0);
              return `${block.tagName} ${line(block.getBoundingClientRect())} h${Math.round(block.getBoundingClientRect().height)} | ${lines.map(line).join(" ")}`;
            }),
          };
        },
        [box, text],
      );
    await page.goto(`${server.url}/documents/${linksDocumentId}`, { waitUntil: "commit" });
    await page.locator("article.document").waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLLinkElement>("link[rel=stylesheet]")).every((link) => link.sheet));
    const served = await layout("article.document", "article.document");
    expect(served.blocks.length).toBeGreaterThan(3);

    releaseScripts();
    // The scripts ran (the status line is theirs: "Connecting…", "Read only · Connecting…"); the socket is still held.
    await page.getByTestId("save-status").waitFor();
    await page.locator(".editor-layout[hidden] .thread-panel").waitFor({ state: "attached" });
    await expect(layout("article.document", "article.document")).resolves.toEqual(served);

    releaseSocket();
    await page.locator(".document-editor").waitFor();
    await expect(layout(".editor-layout:not([hidden]) .document", ".document-editor")).resolves.toEqual(served);
    await context.close();
  });

  it("keeps the server's text on a plain reading page without scripts, with no column kept for the editor", async () => {
    const { context } = await signedIn({ width: 1280, height: 900 }, "allow");
    const noScripts = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, storageState: await context.storageState() });
    await context.close();
    const page = await noScripts.newPage();
    await page.goto(`${server.url}/documents/${linksDocumentId}`);
    const { column, content } = await page.evaluate(() => {
      const reading = document.querySelector<HTMLElement>(".page.reading")!;
      const style = getComputedStyle(reading);
      return {
        column: document.querySelector("article.document")!.getBoundingClientRect().width,
        content: reading.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      };
    });
    expect(column).toBe(content);
    // No editor's frame (toolbars, outline, "Who wrote what") and no status bar for an editor that will not come.
    await expect(page.locator(".collab-editor__frame, .collab-editor__bar").evaluateAll((all) => all.filter((e) => (e as HTMLElement).offsetParent !== null).length)).resolves.toBe(0);
    await expect(page.locator(".collab-editor__frame").count()).resolves.toBeGreaterThan(0);
    await noScripts.close();
  });
});

describe("links in the editor", () => {
  it("links an address typed before a space, every address in pasted text, and a selection an address is pasted over", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 }, linksDocumentId);
    await recordEditorChanges(page);
    const paste = (text: string) =>
      page.locator(".document-editor").evaluate((editor, value) => {
        const data = new DataTransfer();
        data.setData("text/plain", value);
        editor.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    // ProseMirror reads a keyboard selection from the page's selectionchange event, a moment later: wait for the
    // editor's own selection to hold the words before pasting over them.
    const editorSelection = () =>
      page.locator(".document-editor").evaluate((element) => {
        const editor = (element as HTMLElement & { editor?: { state: { selection: { from: number; to: number }; doc: { textBetween(a: number, b: number): string } } } }).editor;
        if (!editor) return null;
        const { from, to } = editor.state.selection;
        return editor.state.doc.textBetween(from, to);
      });
    const hrefs = () => page.locator(".document-editor p").last().locator("a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href"), a.getAttribute("rel")]));
    await caretAtEnd(page, page.locator(".document-editor p").last());
    await page.keyboard.press("Enter");

    // Typed: only once the word is finished, and never a scheme Accord refuses.
    await page.keyboard.type("See https://example.org/typed");
    await expect.poll(() => page.locator(".document-editor p").last().textContent()).toBe("See https://example.org/typed");
    await expect(hrefs()).resolves.toEqual([]);
    await page.keyboard.type(" and javascript:alert(1) then ");
    await expect.poll(hrefs).toEqual([["https://example.org/typed", "https://example.org/typed", "noopener noreferrer nofollow"]]);

    // Pasted text: each address, without the sentence's full stop.
    await paste("read mailto:ana@example.org.");
    await expect.poll(hrefs).toEqual([
      ["https://example.org/typed", "https://example.org/typed", "noopener noreferrer nofollow"],
      ["mailto:ana@example.org", "mailto:ana@example.org", "noopener noreferrer nofollow"],
    ]);

    // An address pasted over selected words links them; a file name pasted over words replaces them.
    await page.keyboard.type(" the charter");
    for (let i = 0; i < "charter".length; i += 1) await page.keyboard.press("Shift+ArrowLeft");
    await expect.poll(editorSelection).toBe("charter");
    await paste("www.example.test");
    await expect.poll(async () => (await hrefs()).at(-1)).toEqual(["charter", "https://www.example.test", "noopener noreferrer nofollow"]);
    await page.keyboard.press("End");
    await page.keyboard.type(" notes");
    for (let i = 0; i < "notes".length; i += 1) await page.keyboard.press("Shift+ArrowLeft");
    await expect.poll(editorSelection).toBe("notes");
    await paste("notes.txt");
    await expect.poll(() => page.locator(".document-editor p").last().innerText()).toMatch(/the charter notes\.txt$/);
    await expect(hrefs()).resolves.toHaveLength(3);
    await context.close();
  });

  it("makes lists of typed markers, the toolbar and pasted numbered lines, and nests and lifts an item by keyboard", async () => {
    const { context, page } = await openEditor({ width: 1280, height: 900 }, listsDocumentId);
    await recordEditorChanges(page);
    const editor = page.locator(".document-editor");
    // The last lists of the text, as their tags, attributes and items' words.
    const lists = (count: number) =>
      editor.evaluate(
        (element, n) =>
          Array.from(element.querySelectorAll(":scope > ul, :scope > ol"))
            .slice(-n)
            .map((list) => [list.tagName.toLowerCase(), list.getAttribute("start"), list.getAttribute("type"), Array.from(list.querySelectorAll("li")).map((li) => li.querySelector("p")?.textContent ?? "")]),
        count,
      );
    const paste = (text: string) =>
      editor.evaluate((element, value) => {
        const data = new DataTransfer();
        data.setData("text/plain", value);
        element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    await caretAtEnd(page, page.locator(".document-editor > p").last());
    await page.keyboard.press("Enter");

    // Typed markers: "- " a bulleted list, "3. " a numbered one from 3; Enter a new item, Enter twice leaves the list.
    await page.keyboard.type("- first");
    await page.keyboard.press("Enter");
    await page.keyboard.type("second");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("between");
    await page.keyboard.press("Enter");
    await page.keyboard.type("3. third");
    await page.keyboard.press("Enter");
    await page.keyboard.type("fourth");
    await expect.poll(() => lists(2)).toEqual([
      ["ul", null, null, ["first", "second"]],
      ["ol", "3", null, ["third", "fourth"]],
    ]);

    // Tab nests an item under the one above, Shift+Tab lifts it back.
    await page.keyboard.press("Tab");
    await expect.poll(() => editor.locator(":scope > ol").last().locator("li ol li").allInnerTexts()).toEqual(["fourth"]);
    await page.keyboard.press("Shift+Tab");
    await expect.poll(() => lists(1)).toEqual([["ol", "3", null, ["third", "fourth"]]]);

    // The toolbar turns the numbered list into a bulleted one, and the shortcut back into a numbered one (from 1).
    await page.getByRole("button", { name: "Bullet list" }).click();
    await expect.poll(() => lists(1)).toEqual([["ul", null, null, ["third", "fourth"]]]);
    await page.keyboard.press("Control+Shift+7");
    await expect.poll(() => lists(1)).toEqual([["ol", null, null, ["third", "fourth"]]]);

    // Plain text whose lines are consecutive markers becomes a numbered list of their kind; other text stays text.
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await paste("iv. four\nv. five");
    await expect.poll(() => lists(1)).toEqual([["ol", "4", "i", ["four", "five"]]]);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await paste("1. one\n3. three");
    await expect.poll(() => editor.locator(":scope > p").last().innerText()).toContain("3. three");
    await context.close();
  });
});
