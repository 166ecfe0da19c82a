import { stat } from 'node:fs/promises';
import * as core from '@actions/core';
import { actionLog } from '../log.js';

/**
 * What GitHub takes of one step's job summary; a larger one is dropped whole (with an error
 * annotation). Artifacts and registries choose how long their titles and annotations are.
 */
export const SUMMARY_LIMIT = 1024 * 1024;

/**
 * Appends Markdown to the job summary. The summary only reports on work that is done, so it never
 * fails the step: without GITHUB_STEP_SUMMARY (not on a runner) it is skipped, and a write that
 * fails is a warning. What would pass the step's limit is left out, saying so.
 */
export async function writeSummary(markdown: string | readonly string[]): Promise<void> {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (!file) {
    actionLog.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  const text = typeof markdown === 'string' ? markdown : markdown.join('\n');
  try {
    const written = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    await core.summary.addRaw(fitSummary(text, SUMMARY_LIMIT - written)).write();
  } catch (error) {
    actionLog.warning(`The job summary could not be written: ${(error as Error).message}`);
  }
}

/** Room kept for the closing fence and the line that says what was left out. */
const NOTE_ROOM = 512;

/**
 * `text` when it fits in `room` bytes (with the line end the summary adds); else its first whole
 * lines that fit, an open code block closed, and a line saying how much was left out.
 */
export function fitSummary(text: string, room: number): string {
  if (Buffer.byteLength(text) + 1 <= room) return text;
  const kept: string[] = [];
  let size = 0;
  let fenced = false;
  for (const line of text.split('\n')) {
    const bytes = Buffer.byteLength(line) + 1;
    if (size + bytes > room - NOTE_ROOM) break;
    kept.push(line);
    size += bytes;
    if (line.startsWith('```')) fenced = !fenced;
  }
  const leftOut = Math.ceil((Buffer.byteLength(text) - size) / 1024);
  return [
    ...kept,
    ...(fenced ? ['```'] : []),
    '',
    `The rest of this summary (${leftOut} KiB) is left out: a job summary holds at most 1 MiB. The step outputs hold everything.`,
  ].join('\n');
}
