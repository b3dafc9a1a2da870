/**
 * A QR code as a matrix of dark modules (qrcode-generator, no network, no image): error correction level M, the
 * smallest version that holds the text. Only ASCII text is encoded as is (URLs are: `new URL(…).href` is ASCII);
 * anything else is refused rather than silently mangled, since the encoder's default byte mode is Latin-1.
 */
import qrcode from "qrcode-generator";

export interface QrMatrix {
  size: number;
  /** dark[row][column] */
  dark: boolean[][];
}

export function qrMatrix(text: string): QrMatrix {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error("qrMatrix: only printable ASCII is encoded");
  const code = qrcode(0, "M");
  code.addData(text, "Byte");
  code.make();
  const size = code.getModuleCount();
  const dark = Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, col) => code.isDark(row, col)));
  return { size, dark };
}

/** The dark modules as horizontal runs [row, firstColumn, length]: fewer rectangles to draw. */
export function qrRuns(matrix: QrMatrix): [number, number, number][] {
  const runs: [number, number, number][] = [];
  matrix.dark.forEach((row, r) => {
    let start = -1;
    row.forEach((isDark, c) => {
      if (isDark && start < 0) start = c;
      if ((!isDark || c === row.length - 1) && start >= 0) {
        runs.push([r, start, (isDark ? c + 1 : c) - start]);
        start = -1;
      }
    });
  });
  return runs;
}
