import { jsonErrorPosition } from '../../../src/commands/pack/json-position.js';

describe('JSON syntax error positions', () => {
  it.each([
    '{}',
    '[]',
    ' {"$manifest": {"a": "1", "b": "\\u00e9\\n"}}\n',
    '[1, -2.5e+3, 0, true, false, null, "x", [], {}]',
    '"just a string"',
    '{"a": [{"b": [[]]}]}',
  ])('agrees with JSON.parse that %j is valid', (text) => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(jsonErrorPosition(text)).toBeUndefined();
  });

  it.each<[string, number, number]>([
    ['PASSWORD=hunter2', 1, 1],
    ['{\n  "a": "1",\n  b: 2\n}', 3, 3],
    ['{"a": "1",}', 1, 11],
    ['{"a" "1"}', 1, 6],
    ['[1, 2', 1, 6],
    ['{"a": 01}', 1, 8],
    ['{"a": "x\ny"}', 1, 9],
    ['{"a": "\\q"}', 1, 9],
    ['{"a": tru}', 1, 7],
    ['{} x', 1, 4],
    ['', 1, 1],
  ])('places the error in %j at line %i, column %i', (text, line, column) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonErrorPosition(text)).toEqual({ line, column });
  });

  it('survives nesting deep enough to overflow a recursive parser', () => {
    const deep = '['.repeat(1_000_000);
    expect(jsonErrorPosition(deep)).toEqual({ line: 1, column: 1_000_001 });
  });
});
