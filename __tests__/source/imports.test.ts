// The layering of docs/architecture.md, checked on the source: no import cycle anywhere in src/
// (type-only imports count), and each layer imports only from the ones below it.
import { importCycles, importGraph, type ImportGraph } from './import-graph.js';

describe('imports in src/', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('commands/pull/pull.ts')).toContain('commands/pull/read-manifest.ts');
  });

  it('form no cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it.each([
    ['oci/', ['commands/', 'action/', 'cli/', 'cli.ts', 'index.ts']],
    ['commands/', ['action/', 'cli/', 'cli.ts', 'index.ts']],
  ])('leave %s importing nothing from the layers above it', (layer, above) => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith(layer)
        ? targets.filter((t) => above.some((a) => t.startsWith(a))).map((t) => `${file} → ${t}`)
        : [],
    );
    expect(upward).toEqual([]);
  });
});

describe('importCycles', () => {
  const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('finds a type-only cycle such as pull.ts ↔ pull-log.ts was, and a longer one', () => {
    expect(
      importCycles(
        graphOf({
          'pull.ts': ['pull-log.ts', 'cache-save.ts'],
          'pull-log.ts': ['pull.ts'],
          'cache-save.ts': ['read-manifest.ts'],
          'read-manifest.ts': ['pull.ts'],
          'plan.ts': [],
        }),
      ),
    ).toEqual([['cache-save.ts', 'pull-log.ts', 'pull.ts', 'read-manifest.ts']]);
  });

  it('finds a file importing itself, and nothing in a tree', () => {
    expect(importCycles(graphOf({ 'a.ts': ['a.ts'] }))).toEqual([['a.ts']]);
    expect(
      importCycles(graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] })),
    ).toEqual([]);
  });
});
