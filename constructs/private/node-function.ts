/**
 * How the app builds a Node.js Lambda function from a TypeScript entry: esbuild, ESM, Node.js 22,
 * ARM, minified with source maps, the project's own modules and zod bundled; the runtime provides
 * the AWS SDK v3. TaskFunction and the schema-migrations function share it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type NodeFunctionBuild = Pick<
  nodejs.NodejsFunctionProps,
  'runtime' | 'architecture' | 'projectRoot' | 'depsLockFilePath' | 'bundling'
>;

export interface NodeFunctionBuildOptions {
  /** Shell commands run after esbuild, e.g. to copy files the function reads into its bundle. */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

export function nodeFunctionBuild(options: NodeFunctionBuildOptions = {}): NodeFunctionBuild {
  const { afterBundling } = options;
  return {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      ...(afterBundling
        ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling } }
        : {}),
    },
  };
}
