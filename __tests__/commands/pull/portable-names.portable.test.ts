// Titles the runner's file system cannot hold fail the pull before anything is written: the
// Windows rules tested with path.win32 on any machine, case collisions with either answer of the
// probe.
import path from 'node:path';
import { PullError } from '../../../src/commands/pull/errors.js';
import { planLayers } from '../../../src/commands/pull/plan.js';
import {
  refuseCaseCollisions,
  refuseWindowsNames,
  segmentsOf,
  windowsNameProblem,
} from '../../../src/commands/pull/portable-names.js';
import { titleFilter } from '../../../src/commands/pull/title-filter.js';
import { OCI_LAYER_TAR, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { ImageManifest } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';

describe('windowsNameProblem', () => {
  it.each([
    'report.json',
    'a b',
    'ünïcode.txt',
    '.env',
    '..',
    'console.log',
    'nullable',
    'com10',
    'lpt',
    'con-fig',
  ])('accepts %j', (name) => {
    expect(windowsNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['a:b', 'holds ":", which Windows does not allow in a name'],
    ['what?', 'holds "?", which Windows does not allow in a name'],
    ['a*b', 'holds "*"'],
    ['a<b>', 'holds "<"'],
    ['say "hi"', 'holds "\\""'],
    ['a|b', 'holds "|"'],
    ['a\\b', 'holds "\\\\"'],
    ['tab\there', 'holds a control character'],
    ['new\nline', 'holds a control character'],
    ['trailing.', 'ends with a dot or a space'],
    ['trailing ', 'ends with a dot or a space'],
    ['con', 'is the name of a device on Windows (con)'],
    ['CON', 'is the name of a device on Windows (CON)'],
    ['nul.txt', 'is the name of a device on Windows (nul)'],
    ['Aux.tar.gz', 'is the name of a device on Windows (Aux)'],
    ['prn', 'device'],
    ['com1', 'device'],
    ['COM9.log', 'device'],
    ['lpt3', 'device'],
    ['com¹', 'device'],
    ['conin$', 'device'],
    ['CONOUT$', 'device'],
    ['nul .txt', 'device'],
  ])('refuses %j: %s', (name, why) => {
    expect(windowsNameProblem(name)).toContain(why);
  });
});

describe('segmentsOf', () => {
  it('lists the names below the output folder, or below the root outside it', () => {
    expect(segmentsOf('C:\\out', 'C:\\out\\docs\\a.md', path.win32)).toEqual(['docs', 'a.md']);
    expect(segmentsOf('C:\\out', 'D:\\elsewhere\\x', path.win32)).toEqual(['elsewhere', 'x']);
    expect(segmentsOf('C:\\out', 'C:\\x', path.win32)).toEqual(['x']);
    expect(segmentsOf('/out', '/out/a/b', path.posix)).toEqual(['a', 'b']);
    expect(segmentsOf('/out', '/tmp/x', path.posix)).toEqual(['tmp', 'x']);
  });
});

const layer = (name: string, target: string) => ({ name, target });

describe('refuseWindowsNames', () => {
  const out = 'C:\\work\\out';
  const win = (title: string) => layer(title, path.win32.resolve(out, title));

  it('fails on Windows naming every title it cannot hold, and why', () => {
    const layers = [win('ok.txt'), win('logs/12:00.txt'), win('con.txt'), win('docs./a.md')];
    let error: unknown;
    try {
      refuseWindowsNames(layers, out, 'win32', path.win32);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PullError);
    expect((error as PullError).code).toBe('UNPORTABLE_NAME');
    expect((error as PullError).message).toBe(
      `3 layer titles name a file this runner's file system (Windows) cannot hold: ` +
        `"logs/12:00.txt" ("12:00.txt" holds ":", which Windows does not allow in a name), ` +
        `"con.txt" (it is the name of a device on Windows (con)), ` +
        `"docs./a.md" ("docs." ends with a dot or a space, which Windows drops from a name); ` +
        `nothing was written (pull the others with "files", or on a Linux runner)`,
    );
  });

  it('judges the names below the output folder, not the folder itself', () => {
    // The output folder may itself have any name the runner gave it.
    expect(() =>
      refuseWindowsNames(
        [layer('a.txt', 'C:\\con\\out\\a.txt')],
        'C:\\con\\out',
        'win32',
        path.win32,
      ),
    ).not.toThrow();
  });

  it('lets every name through on Linux and macOS', () => {
    const layers = [layer('12:00.txt', '/out/12:00.txt'), layer('con', '/out/con')];
    expect(() => refuseWindowsNames(layers, '/out', 'linux', path.posix)).not.toThrow();
    expect(() => refuseWindowsNames(layers, '/out', 'darwin', path.posix)).not.toThrow();
  });
});

describe('refuseCaseCollisions', () => {
  const at = (title: string) => layer(title, path.posix.join('/out', title));

  it('fails when names differ only in case, on a file system that ignores case', () => {
    expect(() => refuseCaseCollisions([at('README'), at('readme')], '/out', true)).toThrow(
      `the output folder's file system ignores case, so "README" (layer "README") and "readme" ` +
        `(layer "readme") would be one and the same file or folder; nothing was written`,
    );
  });

  it('fails when two folders above the layers would merge', () => {
    expect(() => refuseCaseCollisions([at('Docs/a.md'), at('docs/b.md')], '/out', true)).toThrow(
      /"Docs" \(layer "Docs\/a\.md"\) and "docs" \(layer "docs\/b\.md"\)/,
    );
  });

  it('takes two Unicode spellings of one name for one, as APFS does', () => {
    const composed = 'caf\u00e9.txt';
    const decomposed = 'cafe\u0301.txt';
    expect(() => refuseCaseCollisions([at(composed), at(decomposed)], '/out', true)).toThrow(
      PullError,
    );
  });

  it('lets the same names through where case counts, and distinct names anywhere', () => {
    expect(() => refuseCaseCollisions([at('README'), at('readme')], '/out', false)).not.toThrow();
    expect(() =>
      refuseCaseCollisions([at('docs/a.md'), at('docs/b.md'), at('README')], '/out', true),
    ).not.toThrow();
  });

  it('compares Windows paths by the names below the output folder', () => {
    const layers = [layer('a/B.txt', 'C:\\out\\a\\B.txt'), layer('A/b.txt', 'C:\\out\\A\\b.txt')];
    expect(() => refuseCaseCollisions(layers, 'C:\\out', true, path.win32)).toThrow(
      /"a" \(layer "a\/B\.txt"\) and "A" \(layer "A\/b\.txt"\)/,
    );
  });
});

describe('planLayers on Windows', () => {
  const manifest = (titles: string[]): ImageManifest => ({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestBytes('{}'), size: 2 },
    layers: titles.map((title) => ({
      mediaType: OCI_LAYER_TAR,
      digest: digestBytes(title),
      size: title.length,
      annotations: { 'org.opencontainers.image.title': title },
    })),
  });
  const plan = (titles: string[], platform: NodeJS.Platform) =>
    planLayers(manifest(titles), {
      outputDir: path.resolve('out'),
      files: titleFilter([]),
      mediaTypes: [],
      unpack: true,
      allowPathTraversal: false,
      platform,
    });

  it('refuses a title Windows cannot hold before anything is downloaded', () => {
    expect(() => plan(['ok.txt', 'aux'], 'win32')).toThrow(/"aux" \(it is the name of a device/);
    expect(plan(['ok.txt', 'aux'], 'linux').layers.map((l) => l.name)).toEqual(['ok.txt', 'aux']);
  });

  it('leaves out what "files" does not select, so the others can still be pulled', () => {
    const planned = planLayers(manifest(['ok.txt', 'a:b']), {
      outputDir: path.resolve('out'),
      files: titleFilter(['!a:b']),
      mediaTypes: [],
      unpack: true,
      allowPathTraversal: false,
      platform: 'win32',
    });
    expect(planned.layers.map((l) => l.name)).toEqual(['ok.txt']);
  });
});
