// Hidden files and folders (names starting with '.') that a push left out, as
// actions/upload-artifact leaves them out since v4.4: `.git` holds the job token after
// actions/checkout, `.env` files hold secrets. One notice says what was left out.

/** How many names a notice shows; the count covers the rest. */
const SHOWN = 5;

export class HiddenTally {
  private readonly paths = new Set<string>();

  /** A hidden path (a title-like path with '/'), counted once however much is below it. */
  add(path: string): void {
    this.paths.add(path);
  }

  get size(): number {
    return this.paths.size;
  }

  /** The notice for the log, or undefined when nothing was left out. */
  notice(): string | undefined {
    if (this.paths.size === 0) return undefined;
    const sorted = [...this.paths].sort();
    const shown = sorted.slice(0, SHOWN).map((path) => JSON.stringify(path));
    const more = sorted.length > SHOWN ? ` and ${sorted.length - SHOWN} more` : '';
    const count =
      sorted.length === 1 ? '1 hidden file or folder' : `${sorted.length} hidden files and folders`;
    return `Left out ${count} (names starting with "."): ${shown.join(', ')}${more}. Set include-hidden-files: true to push them, or name them in a files line.`;
  }
}
