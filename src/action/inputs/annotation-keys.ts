// The keys of the `annotations` input, for every command that takes it (push, attach, index).
import type { Annotations } from '../../oci/descriptor.js';
import { InputError } from '../input-error.js';

/** `annotations` as given, once every key is printable ASCII without spaces. */
export function checkAnnotationKeys(annotations: Annotations): Annotations {
  for (const key of Object.keys(annotations)) {
    if (!/^[\x21-\x7e]+$/.test(key)) {
      throw new InputError(
        'annotations',
        key,
        'key=value per line, the key printable ASCII without spaces, such as org.opencontainers.image.source=https://…',
      );
    }
  }
  return annotations;
}
