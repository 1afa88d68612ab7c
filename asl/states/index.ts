/** The ASL state types, one module each; the runtime reaches them only through stateRunners. */
export { stateRunners } from './runners.ts';
