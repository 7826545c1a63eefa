import { readFileSync } from 'node:fs';
import {
  ArnFormat,
  aws_appsync as appsync,
  CfnResource,
  Duration,
  Expiration,
  aws_iam as iam,
  aws_logs as logs,
  RemovalPolicy,
  Stack,
  Validations,
  aws_wafv2 as wafv2,
  aws_xray as xray,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AUTHORIZATION_HEADER_PATTERN } from '../lambdas/shared/authorization-header.ts';
import type { AppFunction } from './app-function.ts';
import { appSyncSdl, InlineSchema, rootFields } from './schema-fields.ts';
import type { StageConfig } from './stage-config.ts';

const RESOLVER_CODE_PATH = new URL('./appsync/lambda-resolver.js', import.meta.url);

/** A three-part JWT after `Bearer `: anything else is refused by AppSync without invoking the authorizer. */
export { AUTHORIZATION_HEADER_PATTERN };

export interface ApiProps {
  readonly stage: StageConfig;
  /** Absolute path of `schema/schema.graphql`. */
  readonly schemaPath: string;
  readonly authorizer: AppFunction;
  /** The resolver function behind every Query and Mutation field. */
  readonly resolver: AppFunction;
}

/**
 * The AppSync API: default auth is the JWT Lambda authorizer; API_KEY is an additional mode that the schema
 * allows only on signup/login/refreshToken. Every root field is a unit resolver over the resolver function.
 */
export class Api extends Construct {
  readonly graphqlApi: appsync.GraphqlApi;
  readonly apiKey: appsync.CfnApiKey;
  readonly fields: ReadonlyArray<{ typeName: string; fieldName: string }>;
  readonly logGroup: logs.LogGroup;
  readonly webAcl: wafv2.CfnWebACL | undefined;
  readonly samplingRule: xray.CfnSamplingRule;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { stage } = props;

    this.graphqlApi = new appsync.GraphqlApi(this, 'Api', {
      name: `ai-ops-${stage.name}`,
      definition: appsync.Definition.fromSchema(
        new InlineSchema(appSyncSdl(readFileSync(props.schemaPath, 'utf8'))),
      ),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.LAMBDA,
          lambdaAuthorizerConfig: {
            handler: props.authorizer.target,
            resultsCacheTtl: Duration.seconds(stage.api.authorizerCacheTtlSeconds),
            validationRegex: AUTHORIZATION_HEADER_PATTERN,
          },
        },
        additionalAuthorizationModes: [
          {
            authorizationType: appsync.AuthorizationType.API_KEY,
            apiKeyConfig: {
              description: 'Public client key: only signup, login and refreshToken accept it',
              expires: Expiration.atDate(stage.api.apiKeyExpiresAt),
            },
          },
        ],
      },
      xrayEnabled: true,
      introspectionConfig: stage.api.introspection
        ? appsync.IntrospectionConfig.ENABLED
        : appsync.IntrospectionConfig.DISABLED,
      queryDepthLimit: stage.api.queryDepthLimit,
      resolverCountLimit: stage.api.resolverCountLimit,
    });
    const apiKey = this.graphqlApi.node.tryFindChild('DefaultApiKey');
    if (!(apiKey instanceof appsync.CfnApiKey)) throw new Error('GraphqlApi did not create its API key');
    this.apiKey = apiKey;

    this.logGroup = this.configureLogging(stage);

    this.fields = this.addResolvers(props);
    this.samplingRule = this.createSamplingRule(stage);
    this.webAcl = stage.api.wafRateLimitPer5Minutes
      ? this.createWebAcl(stage.name, stage.api.wafRateLimitPer5Minutes)
      : undefined;
  }

  /** Every root field of the schema: a unit resolver over the resolver function. */
  private addResolvers(props: ApiProps): ReadonlyArray<{ typeName: string; fieldName: string }> {
    const dataSource = this.graphqlApi.addLambdaDataSource('ResolverFunction', props.resolver.target, {
      description: 'The resolver Lambda (direct Lambda event shape)',
    });
    const code = appsync.Code.fromInline(readFileSync(RESOLVER_CODE_PATH, 'utf8'));
    const fields = rootFields(readFileSync(props.schemaPath, 'utf8'));
    for (const { typeName, fieldName } of fields) {
      new appsync.Resolver(this, `${typeName}.${fieldName}`, {
        api: this.graphqlApi,
        typeName,
        fieldName,
        dataSource,
        runtime: appsync.FunctionRuntime.JS_1_0_0,
        code,
      });
    }
    const invoked = props.resolver.target.node.defaultChild;
    if (invoked instanceof CfnResource) {
      Validations.of(dataSource).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(invoked)}.Arn>:*]`,
        reason:
          'CDK grants lambda:InvokeFunction on the resolver function and its qualified ARNs (versions, aliases).',
      });
    }
    return fields;
  }

  /**
   * Field logs at ERROR without verbose content: requests carry passwords and tokens, which must not reach
   * CloudWatch. The log group is created here (instead of GraphqlApi's log-retention custom resource) so
   * its retention and removal follow the stage, and the logging role is scoped to it.
   */
  private configureLogging(stage: StageConfig): logs.LogGroup {
    const logGroupName = `/aws/appsync/apis/${this.graphqlApi.apiId}`;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: stage.functions.logRetention,
      removalPolicy: stage.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync write field and request logs to its own log group',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup'],
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const cfnApi = this.graphqlApi.node.defaultChild;
    if (!(cfnApi instanceof appsync.CfnGraphQLApi)) throw new Error('GraphqlApi has no CfnGraphQLApi');
    Validations.of(cfnApi).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason:
        'Field logs are on at ERROR; verbose content (request headers and variables) is excluded on purpose because it carries passwords and tokens.',
    });
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: role.roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    return logGroup;
  }

  /**
   * Bounds what X-Ray records (and costs, $5 per million traces): the API's requests are sampled by this rule,
   * and the resolver's trace, with the job it enqueues, follows the API's decision.
   */
  private createSamplingRule(stage: StageConfig): xray.CfnSamplingRule {
    return new xray.CfnSamplingRule(this, 'TraceSampling', {
      samplingRule: {
        // At most 32 characters: stage names have at most 20.
        ruleName: `ai-ops-${stage.name}`,
        priority: 100,
        reservoirSize: stage.api.traceSampling.perSecond,
        fixedRate: stage.api.traceSampling.rate,
        serviceName: '*',
        serviceType: 'AWS::AppSync::GraphQLAPI',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: this.graphqlApi.arn,
        version: 1,
      },
    });
  }

  private createWebAcl(stageName: string, rateLimit: number): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`ai-ops-${stageName}-api`),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          // Known-bad sources only; the common rule set is left out because its 8 KB body rule would
          // block legitimate log uploads.
          name: 'AmazonIpReputation',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          visibilityConfig: visibility('AmazonIpReputation'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.graphqlApi.arn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }
}
