/**
 * The functions AWS Step Functions adds to JSONata, and the one it takes away, as bindings for
 * `expression.evaluate(input, bindings)` of jsonata 2.0.6.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html#jsonata-functions-provided-by-sfn
 *
 * Argument handling is what AWS answers, which the documentation does not spell out. Sources, in
 * order of weight: the conformance corpus; executions recorded on AWS by the tiny-asl-machine
 * project (`tests/conformance/cases/.snapshots/aws/Feature.JSONataBuiltins-*.json`); rules other
 * emulators report as measured (floci, sfnx), marked "(reported)" below.
 *
 * The functions are plain JavaScript functions, not `registerFunction` definitions: JSONata then
 * hands them exactly the arguments written, so `$hash('a')` and `$hash('a', $nothing)` (which AWS
 * answers differently) can be told apart, and each function checks its own signature the way
 * JSONata would, naming the argument AWS names.
 */
import { createHash } from 'node:crypto';

/** Where the non-deterministic functions get their values; the engine injects it. */
export interface FunctionEntropy {
  /** A version 4 UUID, for `$uuid()`. */
  uuid(): string;
  /** A number in [0, 1), for `$random()` without a seed. */
  random(): number;
}

/**
 * An error one of these functions raises; JSONata's `evaluate` rethrows it as is. The engine writes
 * {@link render} after "threw an error during evaluation. ": `<code>: <message>`, the same form as
 * JSONata's own errors (`T1006: ...`). Every failure AWS reports from these functions has a code
 * (T0410, T0412, D3137); only this engine's own {@link RANGE_LIMIT} error has none.
 */
export class AwsFunctionError extends Error {
  override name = 'AwsFunctionError';
  /** The JSONata error code AWS shows before the message, or undefined when it shows none. */
  readonly code: string | undefined;
  /** T0410/T0412: the argument (1-based) and function name JSONata re-renders `message` from. */
  readonly index: number | undefined;
  readonly token: string | undefined;

  constructor(code: string | undefined, message: string, argument?: { index: number; token: string }) {
    super(message);
    this.code = code;
    this.index = argument?.index;
    this.token = argument?.token;
  }

  /** The text AWS puts after "threw an error during evaluation. ". */
  render(): string {
    return this.code === undefined ? this.message : `${this.code}: ${this.message}`;
  }
}

/**
 * Engine limit, not AWS's: a `$range` longer than this fails instead of exhausting memory. AWS
 * returned 1001 items for `$range(1, 1001, 1)` although its documentation mentions 1000; it has a
 * memory bound of its own whose message is not known. Same bound as JSONata's `[a..b]` operator.
 */
export const RANGE_LIMIT = 10_000_000;

/** The algorithm names AWS accepts, spelled exactly so (AWS refuses 'sha-256'), and Node's names. */
const HASH_ALGORITHMS = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

type Param = 'number' | 'string' | 'any';

/** AWS: `T0410: Argument 2 of function "partition" does not match function signature`. */
function mismatch(token: string, index: number): AwsFunctionError {
  return new AwsFunctionError(
    'T0410',
    `Argument ${index} of function ${JSON.stringify(token)} does not match function signature`,
    { index, token },
  );
}

/**
 * Checks arguments as JSONata checks a function signature: from the left, the first argument of
 * the wrong type is named (undefined fits any parameter, JSON null fits none), then the first
 * surplus argument, even an undefined one. AWS: `$uuid(1, 2)` names argument 1,
 * `$range(1, 5, 1, 99)` argument 4, `$random(null)` argument 1.
 */
function checkSignature(token: string, args: readonly unknown[], params: readonly Param[]): void {
  for (const [i, param] of params.entries()) {
    const arg = args[i];
    if (arg === undefined || param === 'any') continue;
    if (typeof arg !== param) throw mismatch(token, i + 1);
  }
  if (args.length > params.length) throw mismatch(token, params.length + 1);
}

/** AWS truncates fractional arguments toward zero: `$range(-1.5, 2.5, 1)` is [-1, 0, 1, 2] (reported). */
function whole(value: number): number {
  return Math.trunc(value) + 0; // `+ 0` turns -0 into 0
}

/**
 * `$partition(array, size)`: `size`-long chunks, the last one shorter. AWS: no size makes one
 * chunk of the whole array (`$partition([1,2,3])` is [[1,2,3]]); a size that truncates to 0 gives
 * undefined; a negative one fails with D3137; a fraction is truncated (2.6 chunks by 2).
 * Reported: an undefined array or an empty one with a size give undefined, `$partition([])` is
 * [[]], and -0.5 truncates to 0 (undefined) rather than failing.
 */
function partition(args: readonly unknown[]): unknown[][] | undefined {
  checkSignature('partition', args, ['any', 'number']);
  const [array, size] = args;
  if (array === undefined) return undefined;
  if (!Array.isArray(array)) {
    // AWS's text: its signature names a member type JSONata has no word for, hence "undefined".
    const message = 'Argument 1 of function "partition" must be an array of undefined';
    throw new AwsFunctionError('T0412', message, { index: 1, token: 'partition' });
  }
  if (size === undefined) return [[...array]];
  const chunk = whole(size as number);
  if (chunk < 0) throw new AwsFunctionError('D3137', 'Second argument must be zero or greater');
  if (chunk === 0 || array.length === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += chunk) chunks.push(array.slice(i, i + chunk));
  return chunks;
}

/**
 * `$range(start, end, step)`: from start by step, including end when a step lands on it. AWS
 * answers like a JSONata sequence: no number is undefined, one number is that number (`$range(1,
 * 9, 9)` is 1). A missing or undefined argument, and a step that truncates to 0, give undefined.
 */
function range(args: readonly unknown[]): number | number[] | undefined {
  checkSignature('range', args, ['number', 'number', 'number']);
  const [start, end, step] = args;
  if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') return undefined;
  const [first, last, by] = [whole(start), whole(end), whole(step)];
  if (by === 0) return undefined;
  const count = Math.floor((last - first) / by) + 1;
  if (!(count > 0)) return undefined; // also NaN, from infinite bounds
  if (count === 1) return first;
  if (count > RANGE_LIMIT) {
    // No code: this is the engine's limit, and AWS's message for it is unknown (see RANGE_LIMIT).
    throw new AwsFunctionError(
      undefined,
      `$range(${start}, ${end}, ${step}) would produce ${count} numbers; this engine stops at ${RANGE_LIMIT}`,
    );
  }
  return Array.from({ length: count }, (_, i) => first + i * by);
}

/**
 * `$hash(text, algorithm)`: the lowercase hex digest of the UTF-8 text. AWS: `$hash()` fails on
 * argument 1 and an unknown algorithm fails with D3137. Reported: an undefined text gives
 * undefined, so does a call with the text alone, while an undefined algorithm passed explicitly
 * fails as the algorithm 'null'.
 */
function hash(args: readonly unknown[]): string | undefined {
  if (args.length === 0) throw mismatch('hash', 1);
  checkSignature('hash', args, ['string', 'string']);
  const [text, algorithm] = args;
  if (typeof text !== 'string' || args.length === 1) return undefined;
  const nodeName = typeof algorithm === 'string' ? HASH_ALGORITHMS.get(algorithm) : undefined;
  if (nodeName === undefined) {
    throw new AwsFunctionError(
      'D3137',
      `Hash algorithm '${String(algorithm ?? null)}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5`,
    );
  }
  return createHash(nodeName).update(text, 'utf8').digest('hex');
}

/**
 * `$parse(json)`: the JSON value a string holds. AWS: no argument gives undefined, anything but a
 * string fails on argument 1, and text that is not JSON (the empty string too) fails with
 * `D3137: Invalid JSON`.
 */
function parse(args: readonly unknown[]): unknown {
  checkSignature('parse', args, ['string']);
  const [text] = args;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AwsFunctionError('D3137', 'Invalid JSON');
  }
}

const [JAVA_MULTIPLIER, JAVA_MASK] = [0x5deece66dn, (1n << 48n) - 1n];

/**
 * `new java.util.Random(seed).nextDouble()`, which is what AWS answers for `$random(seed)`:
 * recorded on AWS, `$random(77)` is 0.7240700207191966, and reported, `$random(42)` is
 * 0.7275636800328681. The seed is read as Java's `(long)` cast reads a double (reported: 1.5 is 1).
 */
function seededRandom(seed: number): number {
  let state = (javaLong(seed) ^ JAVA_MULTIPLIER) & JAVA_MASK;
  const next = (bits: bigint): bigint => {
    state = (state * JAVA_MULTIPLIER + 0xbn) & JAVA_MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) / 2 ** 53;
}

/** Java's `(long) double`: NaN is 0, fractions truncate toward zero, out-of-range values saturate. */
function javaLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= 2 ** 63) return (1n << 63n) - 1n;
  if (value <= -(2 ** 63)) return -(1n << 63n);
  return BigInt(Math.trunc(value));
}

/**
 * The bindings: each function keeps named parameters so JSONata's partial application
 * (`$partition(?, 2)`) and higher-order calls see its arity, and reads `arguments` because AWS
 * names surplus arguments by position.
 */
/**
 * The functions that need no entropy. The engine assigns them once to every compiled
 * expression (they are the same for every execution), so evaluations do not bind them again.
 */
export const STATIC_FUNCTIONS: Readonly<Record<string, unknown>> = Object.freeze({
  partition: function partition_(_array: unknown, _size: unknown) {
    // biome-ignore lint/complexity/noArguments: surplus arguments must be seen to be reported.
    return partition(Array.from(arguments));
  },
  range: function range_(_start: unknown, _end: unknown, _step: unknown) {
    // biome-ignore lint/complexity/noArguments: surplus arguments must be seen to be reported.
    return range(Array.from(arguments));
  },
  hash: function hash_(_text: unknown, _algorithm: unknown) {
    // biome-ignore lint/complexity/noArguments: `$hash('a')` and `$hash('a', $nothing)` differ on AWS.
    return hash(Array.from(arguments));
  },
  parse: function parse_(_json: unknown) {
    // biome-ignore lint/complexity/noArguments: surplus arguments must be seen to be reported.
    return parse(Array.from(arguments));
  },
  // AWS: "$eval is not available"; calling it fails with T1006 "Attempted to invoke a non-function",
  // which JSONata raises itself for a name bound to undefined (hasOwnProperty shadows the built-in).
  eval: undefined,
});

/** The functions that draw on the execution's entropy: bound per evaluation. */
export function entropyFunctions(entropy: FunctionEntropy): Record<string, unknown> {
  return {
    random: function random(_seed: unknown) {
      // biome-ignore lint/complexity/noArguments: surplus arguments must be seen to be reported.
      const args = Array.from(arguments);
      checkSignature('random', args, ['number']);
      return typeof args[0] === 'number' ? seededRandom(args[0]) : entropy.random();
    },
    uuid: function uuid() {
      // biome-ignore lint/complexity/noArguments: AWS refuses any argument, even null.
      checkSignature('uuid', Array.from(arguments), []);
      return entropy.uuid();
    },
  };
}

/** All of them, as bindings: the static ones and the entropy ones. */
export function awsFunctions(entropy: FunctionEntropy): Record<string, unknown> {
  return { ...STATIC_FUNCTIONS, ...entropyFunctions(entropy) };
}
