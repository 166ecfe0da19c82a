// The job summary of a pull: what was pulled, from where, and each file written.
import { formatBytes } from '../../commands/format.js';
import type { PulledFile } from '../../commands/pull/pull.js';
import type { SkippedLayer } from '../../commands/pull/plan.js';

export interface PullSummary {
  /** `host/repo:tag`, or the layout path with its tag or digest. */
  source: string;
  /** Pinned: `host/repo@sha256:…` or `path@sha256:…`. */
  reference: string;
  digest: string;
  artifactType: string;
  outputDir: string;
  files: readonly PulledFile[];
  skipped: readonly SkippedLayer[];
  downloaded: number;
  fromCache: number;
}

/** Text safe inside a Markdown table cell or inline code. */
const cell = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
const code = (text: string): string => `<code>${cell(text)}</code>`;

export function pullSummaryMarkdown(summary: PullSummary): string {
  const total = summary.files.reduce((sum, f) => sum + f.size, 0);
  const lines = [
    `### Pulled ${code(summary.source)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Reference | ${code(summary.reference)} |`,
    `| Digest | ${code(summary.digest)} |`,
    `| Artifact type | ${code(summary.artifactType)} |`,
    `| Output folder | ${code(summary.outputDir)} |`,
    `| Layers | ${summary.files.length} written (${formatBytes(total)}); ` +
      `${summary.downloaded} blob(s) downloaded, ${summary.fromCache} from the runner's cache |`,
    '',
  ];
  if (summary.files.length > 0) {
    lines.push(
      '| File | Media type | Size | Digest | Written to |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const file of summary.files) {
      const name = file.title ?? '(untitled)';
      const kind = file.unpacked ? ' (folder)' : '';
      lines.push(
        `| ${code(name)}${kind} | ${code(file.mediaType)} | ${formatBytes(file.size)} | ` +
          `${code(file.digest.slice(0, 19))} | ${code(file.path)} |`,
      );
    }
    lines.push('');
  }
  if (summary.skipped.length > 0) {
    lines.push(
      '| Skipped layer | Media type | Why |',
      '| --- | --- | --- |',
      ...summary.skipped.map(
        (s) =>
          `| ${code(s.name)} | ${code(s.descriptor.mediaType)} | ${
            s.reason === 'untitled' ? 'no title' : `not selected by ${code(s.reason)}`
          } |`,
      ),
      '',
    );
  }
  return lines.join('\n');
}
