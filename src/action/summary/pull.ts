// The job summary of a pull, in the shape of push's: what was pulled from where, then a table of
// the files with their sizes and digests, by where each was written, and the layers left out.
import { isAbsolute, relative, sep } from 'node:path';
import { formatBytes } from '../../commands/format.js';
import type { SkippedLayer } from '../../commands/pull/plan.js';
import type { PulledFile } from '../../commands/pull/pull-types.js';
import {
  code,
  factsMarkdown,
  headingName,
  shortDigestCode,
  sizeCell,
  tableMarkdown,
  wrappingCode,
} from './markdown.js';

export interface PullSummary {
  /** `host/repo`, or the layout path. */
  name: string;
  /** The tag or digest pulled. */
  selector: string;
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

const SKIP_REASONS: Record<SkippedLayer['reason'], string> = {
  untitled: 'no title',
  files: `not selected by ${code('files')}`,
  'media-types': `not selected by ${code('media-types')}`,
};

export function pullSummaryMarkdown(summary: PullSummary): string {
  const total = summary.files.reduce((sum, f) => sum + f.size, 0);
  const facts: [string, string][] = [
    ['Reference', code(summary.reference)],
    ['Digest', code(summary.digest)],
    ['Artifact type', code(summary.artifactType)],
    ['Written to', code(summary.outputDir)],
    [
      'Files',
      `${summary.files.length} (${formatBytes(total)}); ${summary.downloaded} ` +
        `blob(s) downloaded, ${summary.fromCache} from the runner's cache`,
    ],
  ];
  return [
    ...factsMarkdown(`Pulled ${code(headingName(summary.name, summary.selector))}`, facts),
    ...tableMarkdown(
      ['File', 'Media type', 'Size', 'Digest'],
      summary.files.map((file) => [
        `${wrappingCode(shownPath(file.path, summary.outputDir))}${file.unpacked ? ' (folder)' : ''}`,
        wrappingCode(file.mediaType),
        sizeCell(file.size),
        shortDigestCode(file.digest),
      ]),
      { more: (n) => `… and ${n} more files: every one is in the \`files\` output` },
    ),
    ...tableMarkdown(
      ['Skipped layer', 'Media type', 'Why'],
      summary.skipped.map((s) => [
        wrappingCode(s.name),
        wrappingCode(s.descriptor.mediaType),
        SKIP_REASONS[s.reason],
      ]),
    ),
  ].join('\n');
}

/**
 * Where a file was written: relative to the output folder (its title, as a rule), or the whole
 * path when it lies outside (allow-path-traversal).
 */
function shownPath(path: string, outputDir: string): string {
  const rel = relative(outputDir, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}
