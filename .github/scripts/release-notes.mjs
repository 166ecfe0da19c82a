// Prints the CHANGELOG.md section of one release, for the release workflow to publish as the
// release notes: `node .github/scripts/release-notes.mjs v1.2.3 [path/to/CHANGELOG.md]`.
// Fails (exit 1, a message on stderr) when the version is not X.Y.Z or the changelog has no
// section for it, or an empty one, so that a release never goes out without notes.
import { readFileSync } from 'node:fs';

const VERSION = /^v?(\d+\.\d+\.\d+)$/;

function fail(message) {
  console.error(`release-notes: ${message}`);
  process.exit(1);
}

const [tag = '', changelogPath = 'CHANGELOG.md'] = process.argv.slice(2);
const version = VERSION.exec(tag)?.[1];
if (!version) fail(`got "${tag}"; expected a release tag vX.Y.Z, such as v1.2.3`);

let changelog;
try {
  changelog = readFileSync(changelogPath, 'utf8');
} catch (error) {
  fail(`cannot read ${changelogPath}: ${error.message}`);
}

// A section runs from its "## [X.Y.Z]" heading (a date may follow) to the next "## " heading.
const lines = changelog.split(/\r?\n/);
const heading = `## [${version}]`;
const start = lines.findIndex((line) => line === heading || line.startsWith(`${heading} `));
if (start === -1) {
  fail(`${changelogPath} has no section "${heading}": add one with this release's changes`);
}
let end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
if (end === -1) end = lines.length;
const notes = lines
  .slice(start + 1, end)
  .join('\n')
  .trim();
if (notes === '') fail(`the section "${heading}" of ${changelogPath} is empty`);
process.stdout.write(`${notes}\n`);
