/**
 * A small word diff for proposals: which words of the original a proposal removes and which it adds, so the panel
 * and the text can mark only the changed words. Proposals are short (≤ 20,000 characters), so this is a plain
 * longest-common-subsequence over words after trimming the common start and end, without a dependency; beyond
 * `MAX_CELLS` the changed middle is shown whole (removed, then added). Pure; used in the browser.
 */
export interface DiffPart {
  kind: "same" | "removed" | "added";
  text: string;
}

const MAX_CELLS = 250_000;

let segmenter: Intl.Segmenter | undefined;

/** Words, spaces and punctuation as separate tokens, in every script. */
export function tokens(text: string): string[] {
  segmenter ??= new Intl.Segmenter("en", { granularity: "word" });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

function push(parts: DiffPart[], kind: DiffPart["kind"], text: string): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/** The parts of `before` → `after`: same, removed and added runs, in reading order (removed before added). */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  push(parts, "same", a.slice(0, start).join(""));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    push(parts, "removed", midA.join(""));
    push(parts, "added", midB.join(""));
  } else {
    middle(parts, midA, midB);
  }
  push(parts, "same", a.slice(endA).join(""));
  return parts;
}

function middle(parts: DiffPart[], a: string[], b: string[]): void {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  let removed = "";
  let added = "";
  const flush = () => {
    push(parts, "removed", removed);
    push(parts, "added", added);
    removed = added = "";
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      push(parts, "same", a[i]!);
      i++;
      j++;
    } else if (j < m && (i === n || lengths[i * width + j + 1]! >= lengths[(i + 1) * width + j]!)) {
      added += b[j++];
    } else {
      removed += a[i++];
    }
  }
  flush();
}
