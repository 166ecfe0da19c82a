// The job summary of a push or attach: what was pushed where, the files, and (for a registry) a
// step that pulls this exact digest in a later job.
import { isAbsolute, relative, sep } from 'node:path';
import { formatBytes } from '../../commands/format.js';
import type { PushedFile } from '../../commands/pack/pack-artifact.js';
import {
  code,
  copyBlock,
  factsMarkdown,
  headingName,
  shortDigestCode,
  sizeCell,
  tableMarkdown,
  wrappingCode,
} from './markdown.js';

export interface PushSummary {
  /** "Pushed" or "Attached". */
  verb: string;
  /** `host/repo`, or the layout path. */
  name: string;
  /** The first tag written, if any. */
  tag?: string;
  /** Pinned: `host/repo@sha256:…` or `path@sha256:…`. */
  reference: string;
  digest: string;
  artifactType: string;
  tags: readonly string[];
  files: readonly PushedFile[];
  /** For attach: what the artifact refers to. */
  subject?: string;
  /**
   * The `with:` inputs of the pull step after `command: pull`, in order: the registry, the pinned
   * reference, and the transport inputs the push needed. None after a push into a layout folder:
   * a later job does not have this runner's folder.
   */
  pullWith?: readonly (readonly [string, string])[];
  /** `owner/repo@ref` of this action, as a workflow would write it. */
  uses: string;
}

/** Shown when the action cannot tell how the workflow named it. */
export const USES_PLACEHOLDER = '<owner>/oci-artifact-action@v1';

/**
 * `uses:` for the pull step: this action as the workflow named it. A remote action has
 * GITHUB_ACTION_REPOSITORY; a local one (`uses: ./…`) has none, but its bundle
 * (`<action>/dist/index.js`) lies inside the workspace.
 */
export function actionUses(
  env: NodeJS.ProcessEnv = process.env,
  entry: string | undefined = process.argv[1],
): string {
  const repository = env['GITHUB_ACTION_REPOSITORY'];
  if (repository) return `${repository}@${env['GITHUB_ACTION_REF'] || 'main'}`;
  const workspace = env['GITHUB_WORKSPACE'];
  if (workspace && entry) {
    const actionRoot = relative(workspace, `${entry}/../..`);
    if (actionRoot === '') return './';
    if (actionRoot !== '..' && !actionRoot.startsWith(`..${sep}`) && !isAbsolute(actionRoot)) {
      return `./${actionRoot.split(sep).join('/')}`;
    }
  }
  return USES_PLACEHOLDER;
}

/** A YAML plain scalar where that is safe for what we write (refs, paths), quoted otherwise. */
const yamlValue = (text: string): string =>
  /^[\w./@:+<>-]+$/.test(text) && !/^[-:@>]/.test(text) && !text.endsWith(':')
    ? text
    : JSON.stringify(text);

export function pushSummaryMarkdown(summary: PushSummary): string {
  const facts: [string, string][] = [
    ['Reference', code(summary.reference)],
    ['Digest', code(summary.digest)],
    ['Artifact type', code(summary.artifactType)],
  ];
  if (summary.subject !== undefined) facts.push(['Subject', code(summary.subject)]);
  facts.push([
    'Tags',
    summary.tags.length === 0 ? 'none (by digest only)' : summary.tags.map(code).join(' '),
  ]);
  const total = summary.files.reduce((sum, file) => sum + file.size, 0);
  facts.push([
    'Files',
    summary.files.length === 0
      ? 'none: the manifest alone'
      : `${summary.files.length} (${formatBytes(total)})`,
  ]);
  return [
    ...factsMarkdown(heading(summary), facts),
    ...tableMarkdown(
      ['File', 'Media type', 'Size', 'Digest'],
      summary.files.map((file) => [
        wrappingCode(file.title),
        wrappingCode(file.mediaType),
        sizeCell(file.size),
        shortDigestCode(file.digest),
      ]),
      { more: (n) => `… and ${n} more files: every one is in the \`files\` output` },
    ),
    ...pullStepMarkdown(summary),
  ].join('\n');
}

/** `Pushed app:v1`, or `Attached to app@sha256:0123456789ab…` (its subject). */
function heading(summary: PushSummary): string {
  if (summary.subject === undefined) {
    return `${summary.verb} ${code(headingName(summary.name, summary.tag))}`;
  }
  const at = summary.subject.lastIndexOf('@');
  return `${summary.verb} to ${code(headingName(summary.name, summary.subject.slice(at + 1)))}`;
}

function pullStepMarkdown(summary: PushSummary): string[] {
  if (summary.pullWith === undefined) return [];
  return [
    'Pull this exact artifact in a later job:',
    '',
    ...copyBlock(
      [
        `- uses: ${yamlValue(summary.uses)}`,
        '  with:',
        '    command: pull',
        ...summary.pullWith.map(([name, value]) => `    ${name}: ${yamlValue(value)}`),
      ],
      'yaml',
    ),
  ];
}
