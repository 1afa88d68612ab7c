/**
 * How Task states reach services. Every Task resource dispatches through one registry; an
 * integration turns the evaluated Arguments into a call and the call's answer into a result
 * or a States failure value.
 */
import type { TaskResource } from '../definition/types.ts';
import type { Failure } from '../runtime/outcome.ts';

export interface ExecutionInfo {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly region: string;
  readonly account: string;
  readonly startTime: number;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly redriveCount: number;
  /** Started by StartSyncExecution (an Express execution the caller waits for). */
  readonly synchronous?: boolean;
}

export interface TaskRequest {
  readonly resource: TaskResource;
  /** The evaluated Arguments (for lambda-function resources, the payload). */
  readonly arguments: unknown;
  readonly credentials?: unknown;
  readonly region: string;
  /** Set for `.waitForTaskToken`: the token the integration passes on to whoever answers. */
  readonly taskToken?: string;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly signal: AbortSignal;
  readonly execution: ExecutionInfo;
  readonly stateName: string;
  /**
   * Set when a resumed execution re-attaches to a `.sync` job it had already submitted: the
   * recorded TaskSubmitted output. The integration must not submit again, only wait for the end.
   */
  readonly resumeSubmitted?: unknown;
}

/**
 * What an integration answers. `submitted` is for the `.sync` patterns: the call was made
 * (its response goes into TaskSubmitted), and `completion` resolves when the job finishes.
 */
export type TaskResult =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly failure: Failure }
  | {
      readonly ok: 'submitted';
      readonly output: unknown;
      readonly completion: (signal: AbortSignal) => Promise<TaskResult>;
    };

export type TaskHandler = (request: TaskRequest) => Promise<TaskResult>;

/** Finds the handler for a resource; answers undefined when nothing serves it. */
export interface TaskRegistry {
  resolve(resource: TaskResource): TaskHandler | undefined;
}

/** A registry from a list of (predicate, handler) pairs, first match wins. */
export class RoutingRegistry implements TaskRegistry {
  private readonly routes: { matches: (r: TaskResource) => boolean; handler: TaskHandler }[] = [];

  route(matches: (r: TaskResource) => boolean, handler: TaskHandler): this {
    this.routes.push({ matches, handler });
    return this;
  }

  resolve(resource: TaskResource): TaskHandler | undefined {
    return this.routes.find((r) => r.matches(resource))?.handler;
  }
}
