/**
 * Inputs that name files and directories, checked before anything is run: a missing path is a
 * ConfigurationError naming the input and the path it resolved to.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.ts';

/** A ConfigurationError for one input. */
export function inputError(input: string, shownValue: string, expected: string): ConfigurationError {
  return new ConfigurationError(`${input}: ${expected}`, [
    { input, shownValue: JSON.stringify(shownValue), expected }
  ]);
}

/** The directory, which must exist. */
export function existingDirectory(input: string, given: string, base: string): string {
  const directory = path.resolve(base, given);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw inputError(input, given, `an existing directory (${directory} is not one)`);
  }
  return directory;
}

/** The file, which must exist. */
export function existingFile(input: string, given: string, base: string): string {
  const file = path.resolve(base, given);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw inputError(input, given, `an existing file (${file} is not one)`);
  }
  return file;
}
