/**
 * AWS SDK service names as Step Functions accepts them in `arn:aws:states:::aws-sdk:<name>:<action>`
 * and the IAM service prefix each one's actions are authorized under.
 *
 * Names: "Supported AWS SDK service integrations",
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * Prefixes: "(service prefix: ...)" of each service in the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 * cross-checked against the SDK-to-namespace map of github.com/iann0036/iam-dataset (aws/map.json).
 *
 * `name` alone: the prefix is the name. `name=prefix`: IAM spells it differently, mostly because
 * one IAM namespace covers several SDK clients (`bedrockruntime`, `bedrockagent` → `bedrock`) or
 * because the namespace keeps an older service name (`cloudwatchlogs` → `logs`, `efs` →
 * `elasticfilesystem`, `docdb` and `neptune` management → `rds`).
 */
const TABLE = `
  sagemakera2iruntime=sagemaker account amplify amplifybackend amplifyuibuilder appmesh apprunner
  appconfig appconfigdata=appconfig appfabric appintegrations=app-integrations appstream appsync
  appflow applicationautoscaling=application-autoscaling applicationcostprofiler=application-cost-profiler
  applicationdiscovery=discovery mgn athena auditmanager dsql autoscalingplans=autoscaling-plans b2bi
  backup backupgateway=backup-gateway backupsearch=backup-search batch bedrock bedrockagent=bedrock
  bedrockruntime=bedrock bedrockagentruntime=bedrock bedrockdataautomation=bedrock
  bedrockdataautomationruntime=bedrock billing billingconductor bcmpricingcalculator=bcm-pricing-calculator
  braket acm acmpca=acm-pca chime chimesdkidentity=chime chimesdkmediapipelines=chime
  chimesdkmeetings=chime chimesdkmessaging=chime chimesdkvoice=chime cleanrooms cleanroomsml=cleanrooms-ml
  cloudcontrol=cloudformation clouddirectory servicediscovery cloud9 cloudformation cloudfront
  cloudfrontkeyvaluestore=cloudfront-keyvaluestore cloudhsm cloudhsmv2=cloudhsm cloudsearch cloudtrail
  cloudtraildata=cloudtrail-data cloudwatch applicationinsights applicationsignals=application-signals
  internetmonitor cloudwatchlogs=logs oam observabilityadmin rum synthetics codeartifact codebuild
  codecatalyst codecommit codeconnections codedeploy codeguruprofiler=codeguru-profiler
  codegurureviewer=codeguru-reviewer codegurusecurity=codeguru-security codepipeline
  codestarconnections=codestar-connections codestarnotifications=codestar-notifications
  cognitoidentity=cognito-identity cognitosync=cognito-sync cognitoidentityprovider=cognito-idp
  comprehend comprehendmedical computeoptimizer=compute-optimizer config connect
  connectcampaigns=connect-campaigns connectcampaignsv2=connect-campaigns connectcases=cases
  connectcontactlens=connect customerprofiles=profile voiceid wisdom controlcatalog controltower
  costexplorer=ce costoptimizationhub=cost-optimization-hub costandusagereport=cur dataexchange
  bcmdataexports=bcm-data-exports dlm datapipeline datasync datazone databasemigration=dms deadline
  detective devopsguru=devops-guru devicefarm directconnect directory=ds directoryservicedata=ds-data
  docdb=rds docdbelastic=docdb-elastic dynamodb dax dynamodbstreams=dynamodb ebs ec2 autoscaling
  imagebuilder ec2instanceconnect=ec2-instance-connect ecr ecrpublic=ecr-public ecs efs=elasticfilesystem
  eks eksauth=eks-auth emr=elasticmapreduce emrcontainers=emr-containers emrserverless=emr-serverless
  elasticache elasticbeanstalk drs elasticinference=elastic-inference elasticloadbalancing
  elasticloadbalancingv2=elasticloadbalancing elastictranscoder elasticsearch=es
  socialmessaging=social-messaging entityresolution eventbridge=events pipes scheduler schemas evidently
  fis fsx finspacedata=finspace-api finspace fms forecast forecastquery=forecast frauddetector freetier
  gamelift glue databrew groundstation guardduty health medicalimaging=medical-imaging healthlake
  honeycode iam accessanalyzer=access-analyzer rolesanywhere ivs ivschat ivsrealtime=ivs
  ssmincidents=ssm-incidents ssmcontacts=ssm-contacts inspectorscan=inspector-scan inspector inspector2
  invoicing iot iotanalytics iotdeviceadvisor iotevents ioteventsdata=iotevents iotfleethub iotfleetwise
  greengrass greengrassv2=greengrass iotjobsdataplane=iotjobsdata iotsecuretunneling=iot iotsitewise
  iotthingsgraph iottwinmaker iotwireless kms kendra kendraranking=kendra-ranking keyspaces=cassandra
  kinesisanalytics kinesisanalyticsv2=kinesisanalytics firehose kinesis kinesisvideosignaling=kinesisvideo
  kinesisvideo kinesisvideoarchivedmedia=kinesisvideo kinesisvideomedia=kinesisvideo
  kinesisvideowebrtcstorage=kinesisvideo lakeformation lambda launchwizard lexmodelbuilding=lex
  lexmodelsv2=lex lexruntime=lex lexruntimev2=lex licensemanager=license-manager
  licensemanagerlinuxsubscriptions=license-manager-linux-subscriptions
  licensemanagerusersubscriptions=license-manager-user-subscriptions lightsail location=geo
  geomaps=geo-maps geoplaces=geo-places georoutes=geo-routes lookoutequipment lookoutmetrics
  lookoutvision mq kafka kafkaconnect mwaa=airflow macie2 mailmanager=ses m2 apptest managedblockchain
  managedblockchainquery=managedblockchain-query grafana marketplacecatalog=aws-marketplace
  marketplacecommerceanalytics marketplaceentitlement=aws-marketplace marketplacemetering=aws-marketplace
  marketplacereporting=aws-marketplace mturk=mechanicalturk mediaconnect mediaconvert medialive
  mediapackage mediapackagev2 mediapackagevod=mediapackage-vod mediastore mediatailor memorydb
  migrationhub=mgh migrationhubconfig=mgh migrationhuborchestrator=migrationhub-orchestrator
  migrationhubrefactorspaces=refactor-spaces migrationhubstrategy=migrationhub-strategy neptune=rds
  neptunegraph=neptune-graph networkfirewall=network-firewall networkflowmonitor networkmanager
  networkmonitor omics opensearch=es osis opensearchserverless=aoss opsworks opsworkscm=opsworks-cm
  organizations outposts panorama pcs partnercentralselling=partnercentral
  paymentcryptography=payment-cryptography paymentcryptographydata=payment-cryptography personalize
  personalizeevents=personalize personalizeruntime=personalize pinpoint=mobiletargeting pinpointemail=ses
  pinpointsmsvoice=sms-voice pinpointsmsvoicev2=sms-voice polly pricing privatenetworks=private-networks
  pcaconnectorad=pca-connector-ad pcaconnectorscep=pca-connector-scep amp=aps proton qapps qbusiness
  qconnect=wisdom qldb qldbsession=qldb quicksight rds rdsdata=rds-data pi rbin redshift
  redshiftdata=redshift-data redshiftserverless=redshift-serverless rekognition resiliencehub ram
  resourceexplorer2=resource-explorer-2 resourcegroups=resource-groups resourcegroupstaggingapi=tag
  robomaker route53 arczonalshift=arc-zonal-shift route53domains route53profiles
  route53recoverycontrolconfig=route53-recovery-control-config
  route53recoveryreadiness=route53-recovery-readiness route53resolver
  route53recoverycluster=route53-recovery-cluster s3 s3control=s3 glacier s3tables s3outposts=s3-outposts
  ses sesv2=ses sns sqs sso identitystore ssoadmin=sso ssooidc=sso-oauth swf sagemaker
  sagemakeredge=sagemaker sagemakerfeaturestoreruntime=sagemaker sagemakergeospatial=sagemaker-geospatial
  sagemakermetrics=sagemaker sagemakerruntime=sagemaker savingsplans secretsmanager securityhub
  securityir=security-ir securitylake sts sms serverlessapplicationrepository=serverlessrepo
  servicecatalog servicecatalogappregistry=servicecatalog servicequotas shield signer simspaceweaver
  snowdevicemanagement=snow-device-management snowball sfn=states storagegateway supplychain=scn support
  supportapp ssm ssmquicksetup=ssm-quicksetup ssmsap=ssm-sap taxsettings=tax tnb textract
  timestreaminfluxdb=timestream-influxdb timestreamquery=timestream timestreamwrite=timestream transcribe
  transfer translate trustedadvisor notificationscontacts=notifications-contacts vpclattice=vpc-lattice
  verifiedpermissions waf wafregional=waf-regional wafv2 wellarchitected workdocs workmail
  workmailmessageflow workspaces workspacesthinclient=thinclient workspacesweb=workspaces-web xray
  repostspace
`;

const PREFIXES: ReadonlyMap<string, string> = new Map(
  TABLE.trim()
    .split(/\s+/)
    .map((entry) => {
      const [name = '', prefix] = entry.split('=');
      return [name, prefix ?? name] as const;
    }),
);

/**
 * Services Step Functions integrates with whose IAM actions are not named after SDK operations,
 * so `<prefix>:<Operation>` would name actions that do not exist. The value says why.
 */
const NOT_NAMED_AFTER_OPERATIONS: ReadonlyMap<string, string> = new Map([
  [
    'apigateway',
    'API Gateway authorizes management calls as apigateway:GET/POST/PUT/PATCH/DELETE on resource paths',
  ],
  [
    'apigatewayv2',
    'API Gateway authorizes management calls as apigateway:GET/POST/PUT/PATCH/DELETE on resource paths',
  ],
  ['budgets', 'AWS Budgets authorizes operations as budgets:ViewBudget and budgets:ModifyBudget'],
  [
    'connectparticipant',
    'the Connect Participant Service authorizes with participant tokens, not IAM actions',
  ],
]);

/** Every SDK service name the table knows, for documentation and the console. */
export const AWS_SDK_SERVICES: ReadonlySet<string> = new Set([
  ...PREFIXES.keys(),
  ...NOT_NAMED_AFTER_OPERATIONS.keys(),
]);

export type PrefixLookup =
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'unmappable'; readonly why: string }
  | { readonly kind: 'unknown' };

/** The IAM prefix for an SDK service name (`rdsdata` → `rds-data`). */
export function iamServicePrefix(sdkService: string): PrefixLookup {
  const prefix = PREFIXES.get(sdkService);
  if (prefix !== undefined) return { kind: 'prefix', prefix };
  const why = NOT_NAMED_AFTER_OPERATIONS.get(sdkService);
  return why === undefined ? { kind: 'unknown' } : { kind: 'unmappable', why };
}

/**
 * SDK operations authorized by an IAM action of another name, `service:operation` → actions.
 * S3: "Required permissions for Amazon S3 API operations",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * (ListObjectsV2 needs s3:ListBucket; HeadObject needs s3:GetObject; the multipart upload calls
 * need s3:PutObject). Lambda Invoke is lambda:InvokeFunction; Bedrock Converse is authorized as
 * bedrock:InvokeModel (list_amazonbedrock.html).
 */
const RENAMED: ReadonlyMap<string, readonly string[]> = new Map([
  ['lambda:invoke', ['InvokeFunction']],
  ['bedrockruntime:converse', ['InvokeModel']],
  ['s3:listObjectsV2', ['ListBucket']],
  ['s3:listObjects', ['ListBucket']],
  ['s3:headBucket', ['ListBucket']],
  ['s3:listObjectVersions', ['ListBucketVersions']],
  ['s3:listBuckets', ['ListAllMyBuckets']],
  ['s3:headObject', ['GetObject']],
  ['s3:createMultipartUpload', ['PutObject']],
  ['s3:uploadPart', ['PutObject']],
  ['s3:completeMultipartUpload', ['PutObject']],
  ['s3:listParts', ['ListMultipartUploadParts']],
  ['s3:listMultipartUploads', ['ListBucketMultipartUploads']],
  ['s3:deleteObjects', ['DeleteObject']],
  ['s3:getBucketCors', ['GetBucketCORS']],
  ['s3:putBucketCors', ['PutBucketCORS']],
  ['s3:getBucketEncryption', ['GetEncryptionConfiguration']],
  ['s3:putBucketEncryption', ['PutEncryptionConfiguration']],
  ['s3:getBucketLifecycleConfiguration', ['GetLifecycleConfiguration']],
  ['s3:putBucketLifecycleConfiguration', ['PutLifecycleConfiguration']],
]);

/**
 * The IAM action names (without prefix) an SDK operation needs. Step Functions spells the
 * operation in camelCase (`putItem`); IAM spells the same operation in PascalCase (`PutItem`).
 */
export function iamActionNames(sdkService: string, action: string): readonly string[] {
  return RENAMED.get(`${sdkService}:${action}`) ?? [pascalCase(action)];
}

function pascalCase(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}
