// Annotation keys from the image-spec and the ORAS conventions.
export const TITLE = 'org.opencontainers.image.title';
export const CREATED = 'org.opencontainers.image.created';
export const REF_NAME = 'org.opencontainers.image.ref.name';
/** sha256 of the uncompressed tar of a folder layer (ORAS). */
export const ORAS_CONTENT_DIGEST = 'io.deis.oras.content.digest';
/** "true" when a layer is a folder to be extracted on pull (ORAS). */
export const ORAS_CONTENT_UNPACK = 'io.deis.oras.content.unpack';
/**
 * This action's own: the mode of a single-file layer's file, as an octal string (`0755`). Push
 * sets it on executables only; a layer without it is `0644`. ORAS and other pullers ignore it.
 */
export const FILE_MODE = 'io.github.oci-artifact-action.file.mode';
