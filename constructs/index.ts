/** The CDK app's constructs and stacks. */
export { type AppConfig, readConfig } from './config.ts';
export { DataStack, type DataStackProps } from './data-stack.ts';
export { ConfigError, ConstructsError } from './errors.ts';
export {
  JsonataStateMachine,
  type JsonataStateMachineProps,
  type RunTimeResources,
} from './jsonata-state-machine.ts';
export { SchemaMigrations, type SchemaMigrationsProps } from './migrations.ts';
export { acknowledge, applyNag } from './nag.ts';
export { buildApp, type ProjectStacks } from './stacks.ts';
export { type PipeTrigger, StreamPipes, type StreamPipesProps } from './stream-pipe.ts';
export {
  longestGap,
  type ScheduleTrigger,
  scheduleTrigger,
  WorkflowSchedule,
  type WorkflowScheduleProps,
} from './workflow-schedule.ts';
export { WorkflowsStack, type WorkflowsStackProps } from './workflows-stack.ts';
