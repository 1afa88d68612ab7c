/**
 * The string, JSON, encoding, hashing and UUID intrinsics.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
import { createHash } from 'node:crypto';
import { invalidArguments, shown } from './intrinsics-errors.ts';
import { characterCount, type IntrinsicSpec, isObject, ok } from './intrinsics-values.ts';

/** "Input data: a string of up to 10,000 characters" (Base64Encode, Base64Decode, Hash). */
export const TEXT_INPUT_LIMIT = 10_000;

/** The algorithm names AWS accepts, spelled exactly so (reported: 'sha-256', 'SHA256' fail). */
const HASH_ALGORITHMS: ReadonlyMap<unknown, string> = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

/** The string argument of Base64Encode, Base64Decode and Hash, within AWS's length limit. */
function limitedText(name: string, value: unknown): { text: string } | ReturnType<typeof invalidArguments> {
  if (typeof value !== 'string') {
    return invalidArguments(name, `the input must be a string, but it is ${shown(value)}.`);
  }
  const count = characterCount(value);
  if (count > TEXT_INPUT_LIMIT) {
    return invalidArguments(
      name,
      `the input has ${count} characters; AWS allows at most ${TEXT_INPUT_LIMIT}.`,
    );
  }
  return { text: value };
}

/** JSON.parse, with -0 read as 0 as AWS does (recorded: StringToJson('-0') is 0). */
function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (Object.is(value, -0) ? 0 : value));
}

export const TEXT_FUNCTIONS = {
  /** JSON text to its value; recorded: an empty or blank string gives null. */
  StringToJson: {
    min: 1,
    max: 1,
    signature: '(jsonString)',
    run: ([text]) => {
      if (typeof text !== 'string') {
        return invalidArguments(
          'StringToJson',
          `the argument must be a string of JSON text, but it is ${shown(text)}.`,
        );
      }
      if (text.trim() === '') return ok(null);
      try {
        return ok(parseJson(text));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return invalidArguments('StringToJson', `the string is not JSON text (${reason}): ${shown(text)}.`);
      }
    },
  },

  /** Compact JSON text (recorded: `{"Arg1":1,"Arg2":[]}`). */
  JsonToString: { min: 1, max: 1, signature: '(value)', run: ([value]) => ok(JSON.stringify(value)) },

  /** Shallow merge: the second object's keys replace the first's. AWS has no deep mode. */
  JsonMerge: {
    min: 3,
    max: 3,
    signature: '(object1, object2, false)',
    run: ([first, second, deep]) => {
      if (!isObject(first) || !isObject(second)) {
        return invalidArguments(
          'JsonMerge',
          `the first two arguments must be JSON objects, but they are ${shown(first)} and ${shown(second)}.`,
        );
      }
      if (deep !== false) {
        return invalidArguments(
          'JsonMerge',
          `the third argument must be false (AWS supports only shallow merging), but it is ${shown(deep)}.`,
        );
      }
      return ok({ ...first, ...second });
    },
  },

  /** Base64 of the UTF-8 bytes. */
  Base64Encode: {
    min: 1,
    max: 1,
    signature: '(string)',
    run: ([value]) => {
      const input = limitedText('Base64Encode', value);
      return 'text' in input ? ok(Buffer.from(input.text, 'utf8').toString('base64')) : input;
    },
  },

  /**
   * The UTF-8 text of Base64 data. Characters outside the Base64 alphabet are skipped, as AWS
   * accepts `'!!!invalid!!!'`, `'abc'` and surrounding spaces (reported).
   */
  Base64Decode: {
    min: 1,
    max: 1,
    signature: '(base64)',
    run: ([value]) => {
      const input = limitedText('Base64Decode', value);
      return 'text' in input ? ok(Buffer.from(input.text, 'base64').toString('utf8')) : input;
    },
  },

  /** The lowercase hex digest of the UTF-8 text. */
  Hash: {
    min: 2,
    max: 2,
    signature: "(data, 'SHA-256')",
    run: ([value, algorithm]) => {
      const nodeName = HASH_ALGORITHMS.get(algorithm);
      if (nodeName === undefined) {
        return invalidArguments(
          'Hash',
          `the algorithm ${shown(algorithm)} is not one of ${[...HASH_ALGORITHMS.keys()].join(', ')} (spelled exactly so).`,
        );
      }
      const input = limitedText('Hash', value);
      return 'text' in input ? ok(createHash(nodeName).update(input.text, 'utf8').digest('hex')) : input;
    },
  },

  /**
   * Splits at every character of the delimiter string and drops empty pieces (recorded:
   * `StringSplit(',,,,', ',')` is [], `StringSplit('This.is+a,test=string', '.+,=')` has 5 pieces).
   */
  StringSplit: {
    min: 2,
    max: 2,
    signature: '(string, delimiters)',
    run: ([text, delimiters]) => {
      if (typeof text !== 'string' || typeof delimiters !== 'string') {
        return invalidArguments(
          'StringSplit',
          `both arguments must be strings, but they are ${shown(text)} and ${shown(delimiters)}.`,
        );
      }
      const splitters = new Set(delimiters); // code points, so a delimiter may be any character
      const pieces: string[] = [];
      let current = '';
      for (const ch of text) {
        if (!splitters.has(ch)) {
          current += ch;
        } else if (current !== '') {
          pieces.push(current);
          current = '';
        }
      }
      if (current !== '') pieces.push(current);
      return ok(pieces);
    },
  },

  UUID: { min: 0, max: 0, signature: '()', run: (_args, { env }) => ok(env.uuid()) },
} satisfies Record<string, IntrinsicSpec>;
