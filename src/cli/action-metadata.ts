// Generated from action.yml and package.json by .github/scripts/cli-metadata.mjs (run by
// `npm run bundle`): do not edit.

/** The package version. */
export const VERSION = '0.1.0';

/** Each input's description in action.yml, by name. */
export const INPUT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  command:
    'What to do: push, pull, repo-ls, repo-tags, resolve, tag, copy, attach, discover, delete or index.',
  registry:
    'Registry host[:port], such as ghcr.io or localhost:5000. Leave empty when "reference" carries its own host.',
  reference:
    'repo[:tag][@digest] (or host/repo[:tag][@digest] when "registry" is empty). With "layout", the tag or digest inside the layout folder. push takes a tag only (latest when none is given, also with "layout"); pull needs a tag or digest, and takes several, one per line, each optionally followed by into=<folder>.',
  layout: 'Path of an OCI image layout folder to use instead of a registry (no network needed).',
  tags: "More tags, one per line (push, attach, tag, index): tag names, or full references to the repository pushed, as docker/metadata-action's tags output gives.",
  files:
    'Push: one entry per line, path-or-glob[:media/type]; a folder becomes one gzipped tar layer, each file a glob matches one layer; !pattern excludes; # starts a comment. Pull: optional globs on layer titles, ! excludes.',
  'working-directory':
    'Folder that push titles (and the "config" and "annotation-file" paths) are relative to. Default GITHUB_WORKSPACE, else the current folder.',
  'if-no-files-found':
    'What a files entry that matches nothing does: error, warn or ignore. With warn or ignore and nothing matched at all, nothing is pushed or tagged.',
  'include-hidden-files':
    'Push: also take files and folders whose names start with "." below what a files line names (left out by default, as actions/upload-artifact does). Files holding credentials (a git config with a token, an .npmrc, a Docker config, gha-creds-*.json, ...) are never pushed.',
  'artifact-type':
    'The artifact type of the manifest (push, attach) or index (index); a filter for discover; with "subject", the type of the referrer pull takes.',
  config: 'A config blob for the manifest: path[:media/type].',
  'image-spec':
    'Manifest format: v1.1 (artifactType, empty config) or v1.0 (for older registries). Empty: v1.1, pushed again as v1.0 with a warning where a registry refuses it as some Amazon ECR set-ups do.',
  annotations:
    "Manifest (or index) annotations, key=value per line; manifest:key=value (docker/metadata-action's annotations output) too.",
  'annotation-file':
    'A JSON annotation file in the ORAS format ($manifest, $config and per-title keys).',
  reproducible:
    'true: the same inputs give the same digest (no creation time, fixed tar metadata, mtimes from SOURCE_DATE_EPOCH or 0). false: behave like ORAS (creation time, real mtimes).',
  'compression-level': 'gzip level 0-9 for folder layers.',
  concurrency:
    'The most blobs moving at once. Small blobs (under 256 KiB) may use all of it; large ones at most 5 (a third of it, when that is more).',
  'chunk-size':
    'Upload each blob to a registry in chunks of this size (50MiB, 5MB, or bytes; 1KiB to 1GiB), for registries behind a proxy that caps request bodies. Empty: one request per blob, and 8 MiB chunks by themselves where a proxy refuses that with 413.',
  path: 'Pull output folder, created if missing. Default "working-directory".',
  'media-types': 'Pull only layers of these media types, one per line.',
  overwrite: 'Pull: replace existing files (true), or fail before writing anything (false).',
  'allow-path-traversal':
    'Pull: allow layer titles that leave the output folder (.., absolute paths).',
  unpack: 'Pull: extract folder layers (true), or save the archive under its title (false).',
  'unpack-limit':
    'Pull: the most one pull may write, in bytes (500MiB, 2GiB, 1GB, 1000000), for artifacts you do not trust (gzip bombs). Past it the pull fails and keeps nothing. Default: no limit.',
  'expected-digest': 'Fail before downloading unless the reference resolves to this digest.',
  cache: "Pull: keep pulled content in the runner's tool cache, keyed by manifest digest.",
  'download-parts':
    'Pull: download each big blob in this many parts over Range requests (1 to 64), on the connections the other layers leave free: a pull never has more than "concurrency" at once, nor more large ones than their share (5 by default). Default "auto": blobs of 64 MiB or more in that share of parts (1: every blob in one stream).',
  'include-digest-tags': 'repo-tags: include referrer-index tags of the form sha256-<hex>.',
  source: 'copy: the full source reference host/repo[:tag][@digest].',
  'source-layout':
    'copy: an OCI image layout folder to copy from (with "source" as tag or digest).',
  recursive: 'copy: also copy referrers (signatures, SBOMs) of what is copied.',
  'source-username': 'copy: user name for the source registry.',
  'source-password': 'copy: password or token for the source registry.',
  'artifact-platform':
    "push: record the platform of what is pushed, os/arch[/variant] such as linux/arm64, in the artifact's config (as ORAS's --artifact-platform does), for index and platform to read.",
  platform:
    "pull, resolve, copy, attach, discover: when the reference names an index, work on its manifest for this platform, os/arch[/variant] such as linux/arm64, or auto for the runner's own OS and architecture (ORAS's matching rules).",
  merge:
    'pull with several references: write them all into "path" (true; a file two of them hold must be identical) instead of a folder each, named by into=, else the tag or short digest.',
  subject:
    'pull: instead of "reference", the manifest (repo[:tag][@digest]) whose referrer of type "artifact-type" to pull, such as the SBOM attached to an image: the newest by its org.opencontainers.image.created annotation, else the last listed.',
  manifests:
    "index: the manifests the new index lists, one per line, in that order: a tag or digest of the index's repository, or a reference on the same registry (copied in first), optionally followed by platform=os/arch[/variant] (else the platform its config names).",
  add: 'index: manifests to add to the existing index "reference" names (lines as in "manifests"); one with the platform or digest of a listed entry replaces it.',
  remove:
    'index: entries to remove from the existing index "reference" names, one per line: a digest, tag or reference of the manifest, or platform=os/arch[/variant].',
  username:
    'Registry user name. Default from the Docker config (docker/login-action), else anonymous.',
  password: 'Registry password or token (masked in logs before anything is printed).',
  'github-token':
    'Used for ghcr.io (containers.<host> on GitHub Enterprise Server and GHE.com), with GITHUB_ACTOR as user, when no other credentials are found (masked in logs).',
  'plain-http': 'Speak plain HTTP to the registry instead of HTTPS.',
  insecure: 'Skip TLS certificate verification.',
  'ca-file': 'PEM file of certificate authorities to trust for the registry.',
  timeout:
    'Seconds the whole command may take; past it, transfers are aborted, temporary files removed and the step fails. Empty: no limit of its own (each request still has its own deadlines).',
};

/** The outputs whose value is JSON text. */
export const JSON_OUTPUTS: readonly string[] = [
  'tags',
  'manifest',
  'files',
  'repositories',
  'referrers',
  'pulled',
];
