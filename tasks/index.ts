/** Every task (thin Lambda handler) of the project, and the shape that declares them. */
import { approvalPage } from './approval-page/task.ts';
import { preSignUp } from './pre-sign-up/task.ts';
import { signUpPage } from './sign-up-page/task.ts';
import { verifyPage } from './verify-page/task.ts';
import type { Task } from './wiring.ts';

export {
  defineTask,
  functionName,
  type Handler,
  type HttpMethod,
  loadHandler,
  type Route,
  type Task,
} from './wiring.ts';

/** The tasks the CDK app deploys as Lambda functions and the local cloud runs in process. */
export const TASKS: readonly Task[] = [preSignUp, approvalPage, verifyPage, signUpPage];
