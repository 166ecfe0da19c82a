// The job summary of a pull, in the shape of push's: what was pulled from where, then a table of
// the files with their sizes, digests and where each was written, and the layers left out.
import { formatBytes } from '../../commands/format.js';
import type { SkippedLayer } from '../../commands/pull/plan.js';
import type { PulledFile } from '../../commands/pull/pull.js';
import { shortDigest } from '../../oci/digest.js';
import { code, factsMarkdown, tableMarkdown } from './markdown.js';

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
    ['Output folder', code(summary.outputDir)],
    [
      'Files',
      `${summary.files.length} written (${formatBytes(total)}); ${summary.downloaded} ` +
        `blob(s) downloaded, ${summary.fromCache} from the runner's cache`,
    ],
  ];
  return [
    ...factsMarkdown(`Pulled ${code(summary.source)}`, facts),
    ...tableMarkdown(
      ['File', 'Media type', 'Size', 'Digest', 'Written to'],
      summary.files.map((file) => [
        `${code(file.title ?? '(untitled)')}${file.unpacked ? ' (folder)' : ''}`,
        code(file.mediaType),
        formatBytes(file.size),
        code(shortDigest(file.digest)),
        code(file.path),
      ]),
      { more: (n) => `… and ${n} more files: every one is in the \`files\` output` },
    ),
    ...tableMarkdown(
      ['Skipped layer', 'Media type', 'Why'],
      summary.skipped.map((s) => [
        code(s.name),
        code(s.descriptor.mediaType),
        SKIP_REASONS[s.reason],
      ]),
    ),
  ].join('\n');
}
