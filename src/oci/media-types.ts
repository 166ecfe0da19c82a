// Media types from the OCI image-spec v1.1 and the Docker v2 schema 2 formats.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/media-types.md

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** What ORAS writes when no artifact type is given. */
export const UNKNOWN_ARTIFACT = 'application/vnd.unknown.artifact.v1';
/** The config media type ORAS uses for image-spec v1.0 artifacts without a type. */
export const UNKNOWN_CONFIG = 'application/vnd.unknown.config.v1+json';

/**
 * The most a manifest or index may weigh, held whole in memory: distribution caps manifest
 * bodies at 4 MiB, and so does every store here, on read and on write.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Sent on every manifest GET/HEAD: some registries answer 404 when a type is missing. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST];

export const isManifestType = (mediaType: string): boolean => MANIFEST_ACCEPT.includes(mediaType);
export const isIndexType = (mediaType: string): boolean =>
  mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;

// RFC 6838 restricted names, as the image-spec's descriptor schema checks them.
const MEDIA_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export const isValidMediaType = (value: string): boolean => MEDIA_TYPE_PATTERN.test(value);
