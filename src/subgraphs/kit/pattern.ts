import { badInput } from '../../errors/index.js';

/** Longest filter pattern accepted; bounds the cost of compiling and matching client regexes. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * Compiles a client-supplied ECMAScript regular expression used as a list filter.
 * A bad pattern is BAD_USER_INPUT with reason INVALID_REGEX and the engine's message in `detail`.
 */
export function compilePattern(pattern: string, argument: string): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw badInput(`${argument} is longer than ${MAX_PATTERN_LENGTH} characters`, {
      reason: 'INVALID_REGEX',
      argument,
      detail: 'pattern too long',
    });
  }
  try {
    return new RegExp(pattern, 'u');
  } catch (error) {
    const detail = (error as Error).message.replace(/^Invalid regular expression: /, '');
    throw badInput(`${argument} is not a valid regular expression: ${detail}`, {
      reason: 'INVALID_REGEX',
      argument,
      detail,
    });
  }
}
