/**
 * The syntax of an intrinsic function call, parsed once when the definition is read:
 * `States.Name(arg, ...)`, where an argument is a single-quoted string, a number, `true`, `false`,
 * `null`, a path (`$.a`, `$$.Execution.Id`, `$name.a`) or another call.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 *
 * What AWS refuses when the state machine is created: text that is not a call, a function name it
 * does not know (names are case-sensitive: `States.format` is refused), a string escape other than
 * `\'`, `\{`, `\}`, `\\` (reported: `'a\nb'`, backslash then n, is refused), and more than 10
 * nested calls ("You can nest up to 10 intrinsic functions within a field"). Argument counts and
 * types are checked when the call runs: AWS fails `States.Hash('a')` with States.Runtime (reported).
 */
import { type JsonPath, parsePath, pathHint } from '../path.ts';
import { IntrinsicSyntaxError } from './intrinsics-errors.ts';

/** The functions of the documentation's list, spelled as AWS spells them. */
export const FUNCTION_NAMES = [
  'Format',
  'StringToJson',
  'JsonToString',
  'Array',
  'ArrayPartition',
  'ArrayContains',
  'ArrayRange',
  'ArrayGetItem',
  'ArrayLength',
  'ArrayUnique',
  'Base64Encode',
  'Base64Decode',
  'Hash',
  'JsonMerge',
  'MathRandom',
  'MathAdd',
  'StringSplit',
  'UUID',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A literal; a string keeps its text as written (escapes and all) for States.Format's template. */
export type LiteralArg = { readonly kind: 'literal'; readonly value: unknown; readonly raw?: string };
export type PathArg = { readonly kind: 'path'; readonly path: JsonPath };
export type CallArg = { readonly kind: 'call'; readonly call: CallNode };
export type ArgNode = LiteralArg | PathArg | CallArg;

export interface CallNode {
  readonly name: FunctionName;
  readonly args: readonly ArgNode[];
}

/** "You can nest up to 10 intrinsic functions within a field." */
export const MAX_NESTING = 10;

const ESCAPABLE = new Set(["'", '{', '}', '\\']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NAME = /[A-Za-z0-9_]+/y;
const KEYWORDS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const KEYWORD = /(?:true|false|null)(?![A-Za-z0-9_$.])/y;
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): CallNode {
    this.skipSpace();
    const call = this.call(1);
    this.skipSpace();
    if (this.pos < this.text.length) {
      this.fail(
        'unexpected text after the closing parenthesis',
        'End the field with the call: put nothing after its closing ")".',
      );
    }
    return call;
  }

  private call(depth: number): CallNode {
    if (depth > MAX_NESTING) {
      this.fail(
        `more than ${MAX_NESTING} nested intrinsic functions`,
        `AWS allows up to ${MAX_NESTING} nested calls in one field; compute part of the value in an earlier state.`,
      );
    }
    if (!this.text.startsWith('States.', this.pos)) {
      this.fail('expected a call of the form States.Name(...)', 'Start the call with "States.".');
    }
    this.pos += 'States.'.length;
    const name = this.functionName();
    this.skipSpace();
    this.expect('(', `Write the arguments in parentheses: States.${name}(...).`);
    return { name, args: this.args(depth) };
  }

  private functionName(): FunctionName {
    const start = this.pos;
    const word = this.match(NAME) ?? '';
    const known = FUNCTION_NAMES.find((n) => n === word);
    if (known) return known;
    const near = FUNCTION_NAMES.find((n) => n.toLowerCase() === word.toLowerCase());
    this.pos = start;
    this.fail(
      `unknown intrinsic function 'States.${word}'`,
      near
        ? `Names are case-sensitive: write States.${near}.`
        : `Use one of ${FUNCTION_NAMES.map((n) => `States.${n}`).join(', ')}.`,
    );
  }

  private args(depth: number): ArgNode[] {
    const args: ArgNode[] = [];
    this.skipSpace();
    if (this.eat(')')) return args;
    for (;;) {
      this.skipSpace();
      args.push(this.arg(depth));
      this.skipSpace();
      if (this.eat(')')) return args;
      this.expect(',', 'Separate arguments with "," and close the call with ")".');
    }
  }

  private arg(depth: number): ArgNode {
    const ch = this.text[this.pos];
    if (ch === "'") return this.string();
    if (ch === '$') return { kind: 'path', path: this.parsedPath() };
    if (this.text.startsWith('States.', this.pos)) return { kind: 'call', call: this.call(depth + 1) };
    const keyword = this.match(KEYWORD);
    if (keyword !== undefined) return { kind: 'literal', value: KEYWORDS.get(keyword) };
    const number = this.match(NUMBER);
    if (number !== undefined) return { kind: 'literal', value: Number(number) };
    return this.fail(
      ch === undefined ? 'the call is not closed' : `unexpected '${ch}' where an argument belongs`,
      "An argument is a 'quoted string', a number, true, false, null, a path starting with $ or a States. call.",
    );
  }

  private string(): LiteralArg {
    const start = ++this.pos;
    let value = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) {
        this.pos = start - 1;
        this.fail(
          'a string is not closed',
          "End the string with a single quote; write a quote inside it as \\'.",
        );
      }
      if (ch === "'") break;
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !ESCAPABLE.has(next)) {
          this.fail(
            `'\\${next ?? ''}' is not an escape intrinsic strings allow`,
            "Only \\', \\{, \\} and \\\\ are escapes; write \\\\ for a backslash, and put a newline or tab in the string as the character itself.",
          );
        }
        value += next;
        this.pos += 2;
        continue;
      }
      value += ch;
      this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    this.pos++;
    return { kind: 'literal', value, raw };
  }

  /** A path argument, parsed now so that a malformed one is refused with the definition. */
  private parsedPath(): JsonPath {
    const start = this.pos;
    const text = this.path();
    try {
      return parsePath(text);
    } catch (error) {
      this.pos = start;
      return this.fail(
        `the path '${text}' is not valid (${(error as Error).message})`,
        pathHint(error, text),
      );
    }
  }

  /** A path runs to the next `,` or `)` or space outside brackets. */
  private path(): string {
    const start = this.pos;
    let brackets = 0;
    let quote: string | undefined;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos] as string;
      if (quote !== undefined) {
        if (ch === '\\') this.pos++;
        else if (ch === quote) quote = undefined;
      } else if (brackets > 0 && (ch === "'" || ch === '"')) quote = ch;
      else if (ch === '[') brackets++;
      else if (ch === ']') brackets--;
      else if (brackets === 0 && (ch === ',' || ch === ')' || WHITESPACE.has(ch))) break;
    }
    if (brackets !== 0 || quote !== undefined) {
      this.pos = start;
      this.fail(
        'a path has an unclosed bracket or quote',
        'Close every "[" with "]" and every quote in the path.',
      );
    }
    return this.text.slice(start, this.pos);
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.pos += found[0].length;
    return found[0];
  }

  private eat(ch: string): boolean {
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  private expect(ch: string, hint: string): void {
    if (!this.eat(ch)) {
      const found = this.text[this.pos];
      this.fail(
        found === undefined ? `expected '${ch}' but the text ended` : `expected '${ch}' but found '${found}'`,
        hint,
      );
    }
  }

  private skipSpace(): void {
    while (WHITESPACE.has(this.text[this.pos] ?? '')) this.pos++;
  }

  private fail(problem: string, hint: string): never {
    throw new IntrinsicSyntaxError(this.text, this.pos, problem, hint);
  }
}

/** Parses `text`; throws {@link IntrinsicSyntaxError} with a hint when AWS would refuse it. */
export function parseIntrinsic(text: string): CallNode {
  return new Parser(text).parse();
}
