/** Every task (thin Lambda handler) of the project, and the shape that declares them. */
import { approvalPage } from './approval-page/task.ts';
import { authCallback } from './auth-callback/task.ts';
import { authStart } from './auth-start/task.ts';
import { connections } from './connections/task.ts';
import { discoverAccounts } from './discover-accounts/task.ts';
import { discoverProjects } from './discover-projects/task.ts';
import { preSignUp } from './pre-sign-up/task.ts';
import { revokeConnection } from './revoke-connection/task.ts';
import { signUpPage } from './sign-up-page/task.ts';
import { verifyPage } from './verify-page/task.ts';
import type { Task } from './wiring.ts';

export {
  defineTask,
  functionName,
  type Handler,
  type HttpMethod,
  loadHandler,
  type OAuthParameterUse,
  type Route,
  type TableAction,
  type Task,
  timeoutSeconds,
} from './wiring.ts';

/** The tasks the CDK app deploys as Lambda functions and the local cloud runs in process. */
export const TASKS: readonly Task[] = [
  preSignUp,
  approvalPage,
  verifyPage,
  signUpPage,
  authStart,
  authCallback,
  discoverProjects,
  discoverAccounts,
  revokeConnection,
  connections,
];
