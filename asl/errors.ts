/**
 * The engine's own errors. States failures (`States.Timeout`, `Lambda.ServiceException`, ...) are
 * not exceptions: they are {@link import('./runtime/outcome.ts').Failure} values. These classes
 * are for what the engine's callers did wrong (an invalid definition, a bad input) and for
 * the engine's own bugs.
 */
export class AslError extends Error {
  override name = 'AslError';
}

/** A definition that AWS would refuse at CreateStateMachine. `path` is where, `fix` says how to mend it. */
export class DefinitionError extends AslError {
  override name = 'DefinitionError';
  readonly path: string;
  readonly fix: string;
  /** AWS's error code for this kind of problem, as CreateStateMachine reports it. */
  readonly code: 'SCHEMA_VALIDATION_FAILED' | 'INVALID_JSON_DESCRIPTION';

  constructor(
    path: string,
    problem: string,
    fix: string,
    code: DefinitionError['code'] = 'SCHEMA_VALIDATION_FAILED',
  ) {
    super(`${problem} at ${path}. ${fix}`);
    this.path = path;
    this.fix = fix;
    this.code = code;
  }
}

/** Several definition problems found in one pass; each is a {@link DefinitionError}. */
export class DefinitionErrors extends AslError {
  override name = 'DefinitionErrors';
  readonly errors: readonly DefinitionError[];

  constructor(errors: readonly DefinitionError[]) {
    super(
      errors.length === 1
        ? (errors[0]?.message ?? 'invalid definition')
        : `${errors.length} problems in the definition:\n${errors.map((e) => `- ${e.message}`).join('\n')}`,
    );
    this.errors = errors;
  }
}

/** An execution input that is not acceptable (not JSON, too large). */
export class InvalidExecutionInput extends AslError {
  override name = 'InvalidExecutionInput';
}

/** Something the engine did not expect: a bug in the engine, never a States error. */
export class EngineBug extends AslError {
  override name = 'EngineBug';
}

/** A task token that does not name a waiting task (SendTaskSuccess and friends). */
export class TaskTokenError extends AslError {
  readonly code: 'InvalidToken' | 'TaskDoesNotExist' | 'TaskTimedOut';
  constructor(code: TaskTokenError['code'], message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
}
