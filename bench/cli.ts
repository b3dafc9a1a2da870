/** What every bench script's command line shares: progress on stderr, figures on stdout, checked integer options. */

/** A progress line (stderr), kept apart from the figures. */
export function log(message: string): void {
  process.stderr.write(`· ${message}\n`);
}

/** A line of the figures (stdout). */
export function out(text = ""): void {
  process.stdout.write(text + "\n");
}

/** An integer option within bounds, or an error naming the option. */
export function integerOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
