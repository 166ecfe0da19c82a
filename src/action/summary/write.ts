import * as core from '@actions/core';

/** Appends Markdown lines to the job summary. */
export async function writeSummary(lines: readonly string[]): Promise<void> {
  await core.summary.addRaw(lines.join('\n')).write();
}
