/** Every workflow of the project, and the shapes that declare them. */
import { addressVerification } from './address-verification/workflow.ts';
import { approvalDecision } from './approval-decision/workflow.ts';
import { oauthDisconnect } from './oauth-disconnect/workflow.ts';
import { oauthDiscovery } from './oauth-discovery/workflow.ts';
import { reconciliation } from './reconciliation/workflow.ts';
import { signupApproval } from './signup-approval/workflow.ts';
import { smokeCheck } from './smoke-check/workflow.ts';
import { streamSync } from './stream-sync/workflow.ts';
import type { Workflow } from './wiring.ts';

export {
  COMPANY_ITEM,
  CompanyNameError,
  checkCompanyName,
  companyGroupName,
  companyKey,
} from './companies.ts';
export { WiringError } from './errors.ts';
export {
  keyAttributes,
  PROJECTED_TABLES,
  PROJECTIONS,
  type ProjectedTableId,
  type Projection,
  upsertStatement,
} from './projections.ts';
export {
  DATABASE_NAME,
  type IndexDeclaration,
  type KeyAttribute,
  TABLE_IDS,
  TABLES,
  type TableDeclaration,
  type TableId,
} from './tables.ts';
export { USER_POOL } from './user-pool.ts';
export {
  checkWorkflow,
  defineWorkflow,
  oauthParameterPath,
  placeholders,
  projectionValue,
  type Reference,
  ref,
  resolveSubstitutions,
  SETTINGS,
  type SettingName,
  stateMachineName,
  substituteDefinition,
  type Trigger,
  type Workflow,
  type WorkflowType,
} from './wiring.ts';

/** The workflows the CDK app deploys and the local cloud runs. */
export const WORKFLOWS: readonly Workflow[] = [
  smokeCheck,
  signupApproval,
  addressVerification,
  approvalDecision,
  streamSync,
  reconciliation,
  oauthDiscovery,
  oauthDisconnect,
];
