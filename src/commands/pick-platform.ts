// `platform` on pull, resolve, copy, attach and discover: the manifest for that platform in
// place of the index the reference names, with a log line that says which one was taken.
import type { Descriptor, Platform } from '../oci/descriptor.js';
import { shortDigest } from '../oci/digest.js';
import { formatPlatform } from '../oci/platform.js';
import { selectPlatform } from '../oci/platform-select.js';
import type { Fetcher } from '../oci/target.js';
import type { Log } from './log.js';

/** `root` itself when no platform is asked for; `what` names the root in messages. */
export async function pickPlatform(
  source: Fetcher,
  root: Descriptor,
  platform: Platform | undefined,
  what: string,
  log: Log,
): Promise<Descriptor> {
  if (platform === undefined) return root;
  const chosen = await selectPlatform(source, root, platform, what);
  log.info(
    chosen.index === undefined
      ? `Platform ${formatPlatform(platform)}: ${what} is a single manifest for ${formatPlatform(chosen.platform)}`
      : `Platform ${formatPlatform(platform)}: manifest ${chosen.manifest.digest} (${formatPlatform(chosen.platform)}) of the index ${shortDigest(root.digest)}`,
  );
  return chosen.manifest;
}
