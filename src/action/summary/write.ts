import * as core from '@actions/core';
import { actionLog } from '../log.js';

/**
 * Appends Markdown to the job summary. The summary only reports on work that is done, so it never
 * fails the step: without GITHUB_STEP_SUMMARY (not on a runner) it is skipped, and a write that
 * fails is a warning.
 */
export async function writeSummary(markdown: string | readonly string[]): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    actionLog.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  const text = typeof markdown === 'string' ? markdown : markdown.join('\n');
  try {
    await core.summary.addRaw(text).write();
  } catch (error) {
    actionLog.warning(`The job summary could not be written: ${(error as Error).message}`);
  }
}
