// @deploy-actions/core/inputs: the shared input fragments (durations, lists, URLs, secrets, paths)
// and readInputs, which parses an action's inputs once.
export { DURATION_HINT, formatDuration, parseDuration } from './duration.ts';
export {
  boolean,
  databaseUrlSecrets,
  decimal,
  duration,
  headerLines,
  headerSecretValues,
  httpUrl,
  integer,
  oneOf,
  postgresUrl,
  splitLines,
  splitList,
  urlPath
} from './fragments.ts';
export { formatProblem, readInputs, type ReadInputsOptions, type SecretExtractor } from './read-inputs.ts';
export {
  describeRoots,
  existingDirectory,
  existingFile,
  globOutsideRoots,
  inputError,
  isInsideRoots,
  readableRoots
} from './paths.ts';
