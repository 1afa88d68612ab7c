/**
 * The math intrinsics: States.MathAdd and States.MathRandom.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-math-operation
 */
import { invalidArguments, shown } from './intrinsics-errors.ts';
import { type IntrinsicSpec, isNumber, ok, truncated } from './intrinsics-values.ts';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * "If you specify a non-integer value for one or both the arguments, Step Functions will round it
 * off to the nearest integer": each argument, half up, as Java's Math.round. Recorded: 1.5 + 1.51
 * is 4, -0.5 + 0 is 0, -1.5 + 0 is -1, 2.5 + 0 is 3.
 */
function rounded(value: number): number {
  return Math.round(value) + 0; // `+ 0` turns -0 into 0
}

const [MULTIPLIER, MASK] = [0x5deece66dn, (1n << 48n) - 1n];

/** `new java.util.Random(seed)`: AWS's MathRandom is a Java function, and seeds as Java does. */
function javaRandom(seed: number): (bound: number) => number {
  let state = (BigInt(truncated(seed)) ^ MULTIPLIER) & MASK;
  const next31 = (): number => {
    state = (state * MULTIPLIER + 0xbn) & MASK;
    return Number(state >> 17n);
  };
  // Random.nextInt(bound): rejection sampling keeps the draw uniform.
  return (bound) => {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next31())) >> 31n);
    for (;;) {
      const bits = next31();
      const value = bits % bound;
      if (bits - value + (bound - 1) <= INT_MAX) return value;
    }
  };
}

export const MATH_FUNCTIONS = {
  MathAdd: {
    min: 2,
    max: 2,
    signature: '(value1, value2)',
    run: ([a, b]) => {
      if (!isNumber(a) || !isNumber(b)) {
        return invalidArguments(
          'MathAdd',
          `both arguments must be numbers, but they are ${shown(a)} and ${shown(b)}.`,
        );
      }
      return ok(rounded(a) + rounded(b));
    },
  },

  /**
   * An integer from start (included) to end (excluded); start and end are truncated to integers
   * and must differ (reported: `States.MathRandom(1.4, 1.6)` fails, `(1.6, 5.4)` can give 1). With a
   * seed, the same arguments always give the same number.
   */
  MathRandom: {
    min: 2,
    max: 3,
    signature: '(start, end[, seed])',
    run: (args, { env }) => {
      if (!args.every(isNumber)) {
        return invalidArguments(
          'MathRandom',
          `start, end and seed must be numbers, but they are ${shown(args)}.`,
        );
      }
      const [start, end, seed] = args as number[];
      const [low, high] = [truncated(start as number), truncated(end as number)];
      if (low < INT_MIN || high > INT_MAX) {
        return invalidArguments('MathRandom', `start and end must lie between ${INT_MIN} and ${INT_MAX}.`);
      }
      if (low >= high) {
        return invalidArguments(
          'MathRandom',
          `start (${low}) must be less than end (${high}); the result is at least start and less than end.`,
        );
      }
      const span = high - low;
      if (seed === undefined) return ok(low + Math.floor(env.random() * span));
      // A span wider than a Java int cannot be drawn with nextInt; the unseeded draw has no such limit.
      if (span > INT_MAX) {
        return invalidArguments('MathRandom', `with a seed, end - start must be at most ${INT_MAX}.`);
      }
      return ok(low + javaRandom(seed)(span));
    },
  },
} satisfies Record<string, IntrinsicSpec>;
