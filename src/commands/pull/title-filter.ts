// The `files` input on pull: globs on layer titles, `!` excludes, last match wins.
import { compileGlob, type TitleMatcher } from './glob.js';

interface Rule {
  include: boolean;
  matches: TitleMatcher;
}

/** Whether a title is selected. */
export type TitleFilter = (title: string) => boolean;

/**
 * Patterns are read in order and the last one that matches a title decides (as in .gitignore
 * and @actions/glob). With no pattern, every title is selected; with only `!` patterns, every
 * title they do not match is.
 */
export function titleFilter(patterns: readonly string[]): TitleFilter {
  const rules: Rule[] = patterns.map((line) => {
    const include = !line.startsWith('!');
    return { include, matches: compileGlob(include ? line : line.slice(1)) };
  });
  const selectedByDefault = !rules.some((r) => r.include);
  return (title) => {
    let selected = selectedByDefault;
    for (const rule of rules) if (rule.matches(title)) selected = rule.include;
    return selected;
  };
}
