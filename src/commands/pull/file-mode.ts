// The mode a single-file layer is written with: what this action's push recorded in its own
// annotation (FILE_MODE in oci/annotations.ts), else 0644, as before. Within the umask (the
// file is created with it) and never with setuid, setgid or sticky bits: the annotation comes
// from whoever pushed the artifact.
import { FILE_MODE as FILE_MODE_ANNOTATION } from '../../oci/annotations.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { quoted } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';
import { FILE_MODE } from '../pack/stored-mode.js';

/** Permission bits only: setuid, setgid and sticky are never restored. */
const PERMISSION_BITS = 0o777;

/** The mode to create the layer's file with; a malformed annotation is warned about. */
export function layerFileMode(descriptor: Descriptor, name: string, log: Log): number {
  const value = descriptor.annotations?.[FILE_MODE_ANNOTATION];
  if (value === undefined) return FILE_MODE;
  if (!/^[0-7]{3,4}$/.test(value)) {
    log.warning(
      `layer ${quoted(name)}: its ${FILE_MODE_ANNOTATION} annotation ${quoted(value)} is not an ` +
        `octal mode such as 0755; the file is written with mode 0644`,
    );
    return FILE_MODE;
  }
  return Number.parseInt(value, 8) & PERMISSION_BITS;
}
