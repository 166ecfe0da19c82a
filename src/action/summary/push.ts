// The job summary of a push or attach: what was pushed where, the files, and a step that pulls
// this exact digest in a later job.
import { formatBytes } from '../../commands/format.js';
import type { PushedFile } from '../../commands/pack/pack-artifact.js';

export interface PushSummary {
  /** "Pushed" or "Attached". */
  verb: string;
  /** `host/repo:tag`, or the layout path with its tag. */
  target: string;
  /** Pinned: `host/repo@sha256:…` or `path@sha256:…`. */
  reference: string;
  digest: string;
  artifactType: string;
  tags: readonly string[];
  files: readonly PushedFile[];
  /** For attach: what the artifact refers to. */
  subject?: string;
  /** The inputs of the pull step. */
  pull: { registry: string; reference: string } | { layout: string; reference: string };
  /** `owner/repo@ref` of this action, as a workflow would write it. */
  uses: string;
}

/** `uses:` for the pull step: this action as the workflow named it. */
export function actionUses(env: NodeJS.ProcessEnv = process.env): string {
  const repository = env['GITHUB_ACTION_REPOSITORY'] || 'oci-artifact-action';
  const ref = env['GITHUB_ACTION_REF'] || 'main';
  return `${repository}@${ref}`;
}

/** Text safe inside a Markdown table cell or inline code. */
const cell = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
const code = (text: string): string => `<code>${cell(text)}</code>`;

/** YAML scalar that needs no quoting for what we write (refs, paths), quoted otherwise. */
const yamlValue = (text: string): string =>
  /^[\w./@:+-]+$/.test(text) && !/^[-:@]/.test(text) ? text : JSON.stringify(text);

export function pushSummaryMarkdown(summary: PushSummary): string {
  const lines = [
    `### ${summary.verb} ${code(summary.target)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Reference | ${code(summary.reference)} |`,
    `| Digest | ${code(summary.digest)} |`,
    `| Artifact type | ${code(summary.artifactType)} |`,
  ];
  if (summary.subject !== undefined) lines.push(`| Subject | ${code(summary.subject)} |`);
  lines.push(
    `| Tags | ${summary.tags.length === 0 ? 'none (by digest only)' : summary.tags.map(code).join(' ')} |`,
  );
  lines.push('');
  if (summary.files.length === 0) {
    lines.push('No files: the manifest alone.', '');
  } else {
    lines.push('| File | Media type | Size | Digest |', '| --- | --- | --- | --- |');
    for (const file of summary.files) {
      lines.push(
        `| ${code(file.title)} | ${code(file.mediaType)} | ${formatBytes(file.size)} | ${code(file.digest.slice(0, 19))} |`,
      );
    }
    lines.push('');
  }
  const pull = summary.pull;
  lines.push(
    'Pull this exact artifact in a later job:',
    '',
    '```yaml',
    `- uses: ${yamlValue(summary.uses)}`,
    '  with:',
    '    command: pull',
    ...('registry' in pull
      ? [`    registry: ${yamlValue(pull.registry)}`]
      : [`    layout: ${yamlValue(pull.layout)}`]),
    `    reference: ${yamlValue(pull.reference)}`,
    '```',
    '',
  );
  return lines.join('\n');
}
