// The command line as the action's input source: what the runner would pass for the same
// workflow inputs, so the same flags give the same result (and the same digest) as the action.
import { INPUT_USAGE, type InputUse } from '../action/inputs/input-usage.js';
import type { CommandName } from '../action/inputs/command-names.js';
import type { InputShape, InputSource } from '../action/inputs/read.js';
import { UsageError } from './usage-error.js';

const TABLE = INPUT_USAGE as Readonly<Record<string, InputUse>>;

export function flagInputs(
  command: CommandName,
  given: ReadonlyMap<string, readonly string[]>,
): InputSource {
  return {
    get(name: string, shape: InputShape): string {
      if (name === 'command') return command;
      const values = given.get(name);
      if (values === undefined) {
        // As the runner: action.yml's default, and nothing for a `${{ … }}` one.
        const fallback = TABLE[name]?.default ?? '';
        return fallback.startsWith('${{') ? '' : fallback;
      }
      if (values.length > 1 && shape === 'value') {
        throw new UsageError(
          `--${name} was given ${values.length} times, but it takes one value (only list inputs such as --files take several)`,
        );
      }
      // A repeated flag is a multi-line input: `--files a --files b` is "a\nb". Trimmed as
      // @actions/core trims an input.
      return values.join('\n').trim();
    },
  };
}
