// What a pull prints, in the shape push uses: inside the group one line per file (name, short
// digest, human size, where it was written), and after it one line for the whole artifact.
// Skipped layers are counted, not listed one per line: a filter over thousands of layers must
// not flood the log (each name is at debug level).
import type { Descriptor } from '../../oci/descriptor.js';
import { shortDigest } from '../../oci/digest.js';
import { logText, quoted } from '../../oci/untrusted-text.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import type { SkippedLayer } from './plan.js';
import type { PulledFile, PullResult } from './pull-types.js';

/** Names shown in one line before "and N more". */
const SHOWN = 5;

export function logManifest(descriptor: Descriptor, log: Log): void {
  log.info(`Manifest ${descriptor.digest} (${formatBytes(descriptor.size)})`);
}

/** `Pulled site sha256:0123456789ab (1.2 MiB, 14 files extracted) → /work/out/site` */
export function logPlaced(file: PulledFile, extracted: number | undefined, log: Log): void {
  const details = [formatBytes(file.size)];
  if (extracted !== undefined) details.push(`${extracted} ${plural(extracted, 'file')} extracted`);
  if (file.fromCache) details.push("from the runner's cache");
  const name = logText(file.title ?? `untitled ${file.mediaType}`);
  log.info(`Pulled ${name} ${shortDigest(file.digest)} (${details.join(', ')}) → ${file.path}`);
}

export function logPulled(result: PullResult, reference: string, log: Log): void {
  const total = result.files.reduce((sum, file) => sum + file.size, 0);
  if (result.files.length === 0) {
    log.warning(`no layer of ${reference} was selected; nothing was written`);
  }
  const cached = result.fromCache > 0 ? `, ${result.fromCache} from the runner's cache` : '';
  log.info(
    `Pulled ${reference}: ${result.files.length} ${plural(result.files.length, 'layer')} ` +
      `(${formatBytes(total)}) into ${result.outputDir}; ` +
      `${result.downloaded} ${plural(result.downloaded, 'blob')} downloaded${cached}`,
  );
}

export function logSkipped(skipped: readonly SkippedLayer[], log: Log): void {
  const untitled = skipped.filter((s) => s.reason === 'untitled');
  if (untitled.length > 0) {
    const them = untitled.length === 1 ? 'its media type' : 'their media types';
    log.notice(
      `Skipped ${untitled.length} ${plural(untitled.length, 'layer')} without a title ` +
        `(org.opencontainers.image.title): ${shown(untitled.map(label))}. Name ${them} in ` +
        `"media-types" to save ${untitled.length === 1 ? 'it' : 'them'} under the digest ` +
        `(sha256-<hex>).`,
    );
  }
  for (const reason of ['files', 'media-types'] as const) {
    const left = skipped.filter((s) => s.reason === reason);
    if (left.length === 0) continue;
    log.info(
      `Skipped ${left.length} ${plural(left.length, 'layer')} not selected by "${reason}": ` +
        shown(left.map((s) => logText(s.name))),
    );
    for (const s of left) log.debug(`Skipped ${label(s)}: not selected by "${reason}"`);
  }
}

const label = (s: SkippedLayer): string =>
  `${s.reason === 'untitled' ? '' : `${quoted(s.name)} `}${shortDigest(s.descriptor.digest)} (${logText(s.descriptor.mediaType)})`;

function shown(names: readonly string[]): string {
  const head = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${head}, and ${names.length - SHOWN} more` : head;
}

const plural = (count: number, word: string): string => (count === 1 ? word : `${word}s`);
