/**
 * Which AWS SDK v3 package serves `arn:aws:states:::aws-sdk:<service>:<action>`, and the name
 * Step Functions gives the service in error names and causes.
 */

/**
 * Step Functions service names whose `@aws-sdk/client-*` package is spelled differently.
 * Every other name maps to `@aws-sdk/client-<name>` (dynamodb, s3, sfn, sqs, sns, ssm, kms, lambda,
 * secretsmanager, scheduler, eventbridge, sesv2, ...). Names: "Supported AWS SDK service
 * integrations" in the Step Functions developer guide; packages: the AWS SDK for JavaScript v3.
 */
const PACKAGE_SUFFIX: Readonly<Record<string, string>> = {
  acmpca: 'acm-pca',
  apigateway: 'api-gateway',
  applicationautoscaling: 'application-auto-scaling',
  autoscaling: 'auto-scaling',
  bedrockagent: 'bedrock-agent',
  bedrockagentruntime: 'bedrock-agent-runtime',
  bedrockruntime: 'bedrock-runtime',
  cloudwatchlogs: 'cloudwatch-logs',
  cognitoidentity: 'cognito-identity',
  cognitoidentityprovider: 'cognito-identity-provider',
  cognitosync: 'cognito-sync',
  computeoptimizer: 'compute-optimizer',
  costexplorer: 'cost-explorer',
  databasemigration: 'database-migration-service',
  directconnect: 'direct-connect',
  dynamodbstreams: 'dynamodb-streams',
  ecrpublic: 'ecr-public',
  elasticloadbalancing: 'elastic-load-balancing',
  elasticloadbalancingv2: 'elastic-load-balancing-v2',
  emrcontainers: 'emr-containers',
  emrserverless: 'emr-serverless',
  iotdataplane: 'iot-data-plane',
  kinesisvideo: 'kinesis-video',
  lexmodelsv2: 'lex-models-v2',
  lexruntimev2: 'lex-runtime-v2',
  marketplacecatalog: 'marketplace-catalog',
  rdsdata: 'rds-data',
  redshiftdata: 'redshift-data',
  resourcegroupstaggingapi: 'resource-groups-tagging-api',
  sagemakerruntime: 'sagemaker-runtime',
  ssmcontacts: 'ssm-contacts',
  ssmincidents: 'ssm-incidents',
  timestreamquery: 'timestream-query',
  timestreamwrite: 'timestream-write',
};

export function packageFor(service: string): string {
  return `@aws-sdk/client-${PACKAGE_SUFFIX[service] ?? service}`;
}

/**
 * The service name Step Functions puts in `<Service>.<Error>` and in `(Service: <Service>, ...)`.
 * Step Functions calls services through the AWS SDK for Java 2.x, which names each client after
 * the model's serviceId in PascalCase with every word's tail lower-cased: "DynamoDB" → DynamoDb,
 * "SFN" → Sfn, "Secrets Manager" → SecretsManager, "ACM PCA" → AcmPca (the developer guide's own
 * example, AcmPca.ResourceNotFoundException), "SESv2" → SesV2, "RDS Data" → RdsData.
 * The JavaScript client carries the same serviceId, so no table is needed.
 */
export function javaServiceName(serviceId: string): string {
  const words = splitOnWordBoundaries(serviceId);
  // The Java SDK drops a trailing "Service" (Lex Model Building Service → LexModelBuilding).
  if (words.length > 1 && words[words.length - 1]?.toLowerCase() === 'service') words.pop();
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
}

/** The word split of the Java SDK's code generator (CodegenNamingUtils.splitOnWordBoundaries). */
function splitOnWordBoundaries(text: string): string[] {
  return text
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .replace(/([^a-z]{2,})v([0-9]+)/g, '$1 v$2 ')
    .replace(/([^A-Z]{2,})V([0-9]+)/g, '$1 V$2 ')
    .split(/(?<=[a-z])(?=[A-Z](?:[a-zA-Z]|[0-9]))/)
    .join(' ')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([0-9])([a-zA-Z])/g, '$1 $2')
    .replace(/ +/g, ' ')
    .trim()
    .split(' ');
}

/**
 * Member names the Java SDK cannot use as method names get a `Value` suffix, and Step Functions
 * takes its field names from those methods: the developer guide says fields named `Equals` are
 * written `EqualsValue`. The same rule covers Java keywords (`Static` → `StaticValue`).
 */
const JAVA_RESERVED = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum ' +
    'extends false final finally float for goto if implements import instanceof int interface long native new ' +
    'null package private protected public return short static strictfp super switch synchronized this throw ' +
    'throws transient true try void volatile while equals hashcode tostring getclass'
  ).split(' '),
);

/** The field name Step Functions uses for an SDK member name (PascalCase, Java renames applied). */
export function fieldName(member: string): string {
  const pascal = member.charAt(0).toUpperCase() + member.slice(1);
  return JAVA_RESERVED.has(member.toLowerCase()) ? `${pascal}Value` : pascal;
}
