// The YAML examples of a Markdown file: every fenced code block whose info string is `yaml` or
// `yml`. Other blocks (sh, json, text) are not examples of a workflow and are left alone.

export interface YamlExample {
  /** The Markdown file, as given (used in messages). */
  file: string;
  /** 1-based line of the example's first line in the Markdown file. */
  line: number;
  /** The block's content, without the fences and without the fence's own indentation. */
  text: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/;
const YAML_INFO = new Set(['yaml', 'yml']);

export function yamlExamples(markdown: string, file: string): YamlExample[] {
  const lines = markdown.split('\n');
  const examples: YamlExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    // A closing fence is at least as long as the opening one, of the same character.
    for (; j < lines.length && !isClosingFence(lines[j] ?? '', fence); j++) {
      body.push(stripIndent(lines[j] ?? '', indent.length));
    }
    if (YAML_INFO.has(info.toLowerCase())) {
      examples.push({ file, line: i + 2, text: body.join('\n') + '\n' });
    }
    i = j;
  }
  return examples;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0];
}

function stripIndent(line: string, width: number): string {
  let n = 0;
  while (n < width && line[n] === ' ') n++;
  return line.slice(n);
}
