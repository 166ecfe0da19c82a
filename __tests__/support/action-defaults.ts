// Reads each input's default from action.yml, as the runner does before it starts the action.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** input name → default value (`${{ … }}` expressions become empty: there is no workflow). */
export function actionDefaults(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(declaredInputs()).map(([name, value]) => [
      name,
      value.startsWith('${{') ? '' : value,
    ]),
  );
}

/** Every input action.yml declares, in its order, with its default as written ('' for none). */
export function declaredInputs(): Record<string, string> {
  const lines = readFileSync(join(ROOT, 'action.yml'), 'utf8').split('\n');
  const defaults: Record<string, string> = {};
  let section = '';
  let input: string | undefined;
  for (const line of lines) {
    const top = /^(\w[\w-]*):/.exec(line);
    if (top) {
      section = top[1] ?? '';
      input = undefined;
      continue;
    }
    if (section !== 'inputs') continue;
    const name = /^ {2}([\w-]+):\s*$/.exec(line);
    if (name) {
      input = name[1];
      if (input !== undefined) defaults[input] = '';
      continue;
    }
    const value = /^ {4}default:\s*(.*)$/.exec(line);
    if (value && input) defaults[input] = unquote(value[1] ?? '');
  }
  return defaults;
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.startsWith('${{')) return value;
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(value)) return JSON.parse(value) as string;
  return value;
}
