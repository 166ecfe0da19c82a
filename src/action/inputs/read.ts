// The only functions that read inputs; each returns a typed value or throws an InputError.
// They read through one InputSource: the runner's environment for the action, the command line
// for the CLI (src/cli/flag-inputs.ts), so the command runners are the same for both.
import * as core from '@actions/core';
import { InputError } from '../input-error.js';
import { maskSecret } from '../log.js';
import type { InputName } from './input-usage.js';

/** How a reader takes an input: one value, or one item per line (a list). */
export type InputShape = 'value' | 'lines';

export interface InputSource {
  /**
   * The input's value, trimmed, as the runner passes it: action.yml's default when it was not
   * given ('' for a `${{ … }}` default outside a workflow).
   */
  get(name: string, shape: InputShape): string;
}

/** The runner's INPUT_<NAME> variables, read as @actions/core reads them. */
export const runnerInputs: InputSource = { get: (name) => core.getInput(name) };

let source: InputSource = runnerInputs;

/** Reads every later input from `next` (the CLI does this before it runs a command). */
export function useInputSource(next: InputSource): void {
  source = next;
}

export const readString = (name: InputName): string => source.get(name, 'value');

/** Refuses an input that was given where it has no place; `expected` says why ("nothing: ..."). */
export function refuseGiven(name: InputName, expected: string): void {
  const value = readString(name);
  if (value !== '') throw new InputError(name, value, expected);
}

/** Non-empty lines, trimmed, without `#` comments. */
export function readLines(name: InputName): string[] {
  return source
    .get(name, 'lines')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function readBoolean(name: InputName, fallback: boolean): boolean {
  const value = readString(name);
  if (value === '') return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, value, 'true or false');
}

export function readChoice<T extends string>(
  name: InputName,
  choices: readonly T[],
  fallback: T,
): T {
  const value = readString(name);
  if (value === '') return fallback;
  const choice = choices.find((c) => c === value.toLowerCase());
  if (choice === undefined) throw new InputError(name, value, `one of ${choices.join(', ')}`);
  return choice;
}

export function readInteger(name: InputName, min: number, max: number, fallback: number): number {
  const value = readString(name);
  if (value === '') return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw new InputError(name, value, `a whole number from ${min} to ${max}`);
  }
  return n;
}

/** `key=value` per line; the first `=` splits. */
export function readKeyValues(name: InputName): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readLines(name)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(name, line, 'one key=value per line');
    const key = line.slice(0, eq).trim();
    if (key in out) throw new InputError(name, line, `each key once, but "${key}" repeats`);
    out[key] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Every input that holds a secret. */
export const SECRET_INPUTS = [
  'password',
  'source-password',
  'github-token',
] as const satisfies readonly InputName[];

const masked = new Set<string>();

function mask(value: string): void {
  if (value === '' || masked.has(value)) return;
  masked.add(value);
  maskSecret(value);
}

/**
 * Masks every secret input. Called first thing, before any input is checked, so no message
 * (not even one about another input, nor a debug line) can show a secret unmasked.
 */
export function maskSecretInputs(): void {
  for (const name of SECRET_INPUTS) mask(readString(name));
}

/** A secret input, masked before anything could print it. */
export function readSecret(name: InputName): string {
  const value = readString(name);
  mask(value);
  return value;
}
