import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DETECTION_TYPE } from "../policypack/componentTypes";
import { accountRootArn, after, cloudWatchAlarmArn, snsTopicArn } from "./arns";
import { requireProvider } from "./componentOptions";

/** The alarm topic's name; with the account and region, its ARN is known before it exists. */
export const ALARM_TOPIC_NAME = "org-access-security-alarms";

/** One metric filter on the trail's log group and the alarm on its metric. */
export interface AlarmDefinition {
    /** Short id; names the filter, the metric and the alarm (`org-access-<id>`). */
    readonly id: string;
    /** CloudWatch Logs filter pattern over CloudTrail's JSON events. */
    readonly pattern: string;
    /** What the alarm means, shown in the notification. */
    readonly description: string;
    /** The control it implements, e.g. `CIS 4.3` (CIS AWS Foundations Benchmark v1.4.0). */
    readonly control: string;
}

const anyEvent = (names: readonly string[]) =>
    names.map((n) => `($.eventName = ${n})`).join(" || ");

/**
 * The CIS AWS Foundations Benchmark v1.4.0 monitoring set (section 4.1-4.15), with the filter
 * patterns AWS Security Hub checks for (CloudWatch.1-14):
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 */
export const CIS_ALARMS: readonly AlarmDefinition[] = [
    {
        id: "unauthorized-api-calls",
        control: "CIS 4.1",
        description: "API calls denied for lack of permission",
        // The CIS AWS Foundations Benchmark from v1.4.0 on (4.1, remediation) excludes AccessDenied
        // from the log delivery service and on HeadBucket: routine probes that keep the v1.2.0
        // filter, `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}` (the
        // one Security Hub's CloudWatch.2, mapped to CIS v1.2.0 3.1, describes), in alarm on an
        // organization trail. CIS writes `A || B && C && D`; here the grouping is written out
        // rather than left to operator precedence: the exclusions apply to AccessDenied, and an
        // UnauthorizedOperation always counts.
        // https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-2
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
        pattern:
            '{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }',
    },
    {
        id: "console-signin-without-mfa",
        control: "CIS 4.2",
        description: "Console sign-in by an IAM user without MFA",
        pattern:
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    },
    {
        id: "root-usage",
        control: "CIS 4.3",
        description: "The root user was used",
        pattern:
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    },
    {
        id: "iam-policy-changes",
        control: "CIS 4.4",
        description: "An IAM policy was created, changed, attached or detached",
        pattern: `{ ${anyEvent(["DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"])} }`,
    },
    {
        id: "cloudtrail-changes",
        control: "CIS 4.5",
        description: "A trail was created, changed, started or stopped",
        pattern: `{ ${anyEvent(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"])} }`,
    },
    {
        id: "console-auth-failures",
        control: "CIS 4.6",
        description: "Failed console authentication",
        pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    },
    {
        id: "cmk-disabled-or-deleted",
        control: "CIS 4.7",
        description: "A customer-managed KMS key was disabled or scheduled for deletion",
        pattern:
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    },
    {
        id: "s3-bucket-policy-changes",
        control: "CIS 4.8",
        description: "An S3 bucket's policy, ACL, CORS, lifecycle or replication changed",
        pattern: `{ ($.eventSource = s3.amazonaws.com) && (${anyEvent(["PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"])}) }`,
    },
    {
        id: "config-changes",
        control: "CIS 4.9",
        description: "AWS Config recording or delivery changed",
        pattern: `{ ($.eventSource = config.amazonaws.com) && (${anyEvent(["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"])}) }`,
    },
    {
        id: "security-group-changes",
        control: "CIS 4.10",
        description: "A security group changed",
        pattern: `{ ${anyEvent(["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"])} }`,
    },
    {
        id: "nacl-changes",
        control: "CIS 4.11",
        description: "A network ACL changed",
        pattern: `{ ${anyEvent(["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"])} }`,
    },
    {
        id: "network-gateway-changes",
        control: "CIS 4.12",
        description: "A customer or internet gateway changed",
        pattern: `{ ${anyEvent(["CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"])} }`,
    },
    {
        id: "route-table-changes",
        control: "CIS 4.13",
        description: "A route table changed",
        pattern: `{ ${anyEvent(["CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"])} }`,
    },
    {
        id: "vpc-changes",
        control: "CIS 4.14",
        description: "A VPC or VPC peering changed",
        pattern: `{ ${anyEvent(["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"])} }`,
    },
    {
        id: "organizations-changes",
        control: "CIS 4.15",
        description: "The organization, its accounts, OUs or policies changed",
        pattern: `{ ($.eventSource = organizations.amazonaws.com) && (${anyEvent(["AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"])}) }`,
    },
];

/**
 * org-access's own alarms: access that failed, every use of a break-glass role (the admin role of
 * the workload accounts and the log-archive admin role), every privileged root session, and
 * changes to any role's trust.
 */
export function accessAlarms(
    breakGlassRoleName: string,
    logArchiveAdminRoleName: string,
): AlarmDefinition[] {
    // Leading wildcard, as in CIS 4.1: matches the role in every account, successful or not.
    const roleArnIs = (role: string) => `($.requestParameters.roleArn = "*:role/${role}")`;
    return [
        {
            id: "failed-assume-role",
            control: "org-access",
            description: "An AssumeRole call was denied",
            pattern:
                '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && ($.errorCode = "AccessDenied") }',
        },
        {
            id: "break-glass-assume-role",
            control: "org-access",
            description: `Someone assumed, or tried to assume, ${breakGlassRoleName} or ${logArchiveAdminRoleName}`,
            pattern: `{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && (${roleArnIs(breakGlassRoleName)} || ${roleArnIs(logArchiveAdminRoleName)}) }`,
        },
        {
            // A privileged root session in a member account (centralized root access): rare and
            // powerful, so every call, allowed or refused, is alarmed. CloudTrail records
            // AssumeRoot where it is called, in the management account (or IAM's delegated
            // administrator), which the organization trail logs.
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-track-privileged-tasks.html
            id: "assume-root",
            control: "org-access",
            description:
                "Someone opened, or tried to open, a privileged root session (sts:AssumeRoot) in a member account",
            pattern: '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoot") }',
        },
        {
            id: "trust-policy-changes",
            control: "org-access",
            description: "A role's trust policy changed",
            pattern:
                '{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "UpdateAssumeRolePolicy") }',
        },
    ];
}

/**
 * Every use of the break-glass permission set. Identity Center signs a person in to an account by
 * calling sts:AssumeRoleWithSAML on the role it provisioned for the permission set,
 * `AWSReservedSSO_<permission set name>_<hash>` under the path /aws-reserved/sso.amazonaws.com/
 * (with the region after it outside us-east-1), trusted by the account's AWSSSO_..._DO_NOT_DELETE
 * SAML provider; CloudTrail records that call in the account of the role, with the role's ARN in
 * requestParameters.roleArn, and the organization trail collects it from every account.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 * The role's name is matched with a wildcard on each side (the path before it depends on the
 * region, the hash after it is random); the name's prefix keeps it from matching any other role:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 */
export function breakGlassPermissionSetAlarm(permissionSetName: string): AlarmDefinition {
    return {
        id: "break-glass-permission-set",
        control: "org-access",
        description: `Someone signed in, or tried to, with the ${permissionSetName} permission set (IAM Identity Center)`,
        pattern: `{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRoleWithSAML") && ($.requestParameters.roleArn = "*/AWSReservedSSO_${permissionSetName}_*") }`,
    };
}

/** Namespace of every metric the filters publish. */
export const METRIC_NAMESPACE = "org-access/CloudTrail";

export interface DetectionArgs {
    /** Name of the CloudWatch Logs group the organization trail delivers to. */
    readonly logGroupName: pulumi.Input<string>;
    /** Account of the log group, the topic and the alarms (the management account). */
    readonly accountId: string;
    /** Region of the log group and the alarms. */
    readonly region: string;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Name of the break-glass role, whose every AssumeRole is alarmed. */
    readonly breakGlassRoleName: string;
    /** Name of the log-archive admin role, whose every AssumeRole is alarmed as well. */
    readonly logArchiveAdminRoleName: string;
    /** Name of the break-glass permission set of IAM Identity Center, whose every sign-in is alarmed; none when absent. */
    readonly breakGlassPermissionSetName?: string;
    /** Email addresses subscribed to the topic. */
    readonly emails: readonly string[];
    /**
     * Roles of other accounts of the organization that may publish to the topic, with its key:
     * the EventBridge role that delivers IAM Access Analyzer's findings (components/accessAnalyzer.ts).
     */
    readonly publisherRoleArns?: readonly string[];
    /** Tags for the key, the topic and the alarms. */
    readonly tags?: Record<string, string>;
}

/** Only CloudWatch alarms of this account named `org-access-*` may use the key and publish to the topic. */
function fromOurAlarms(partition: string, region: string, accountId: string) {
    return {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: {
            "aws:SourceArn": cloudWatchAlarmArn(partition, region, accountId, "org-access-*"),
        },
    };
}

/**
 * A role of another account, named exactly: its account's root as the principal (which always
 * exists, where a role ARN must exist when the policy is set) and the role's ARN as a condition.
 */
function publisherStatement(
    sid: string,
    roleArn: string,
    action: string | string[],
    resource: string,
): aws.iam.PolicyStatement {
    const [, partition, , , accountId] = roleArn.split(":");
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: accountRootArn(partition, accountId) },
        Action: action,
        Resource: resource,
        Condition: { ArnEquals: { "aws:PrincipalArn": roleArn } },
    };
}

export function alarmKeyPolicy(
    partition: string,
    region: string,
    accountId: string,
    publisherRoleArns: readonly string[] = [],
): aws.iam.PolicyDocument {
    // CloudWatch needs the key to publish to an encrypted topic:
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: accountRootArn(partition, accountId) },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchAlarmsEncrypt",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: fromOurAlarms(partition, region, accountId),
            },
            ...publisherRoleArns.map((role, i) =>
                publisherStatement(
                    `PublisherEncrypt${i}`,
                    role,
                    ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "*",
                ),
            ),
        ],
    };
}

export function alarmTopicPolicy(
    topicArn: string,
    partition: string,
    region: string,
    accountId: string,
    publisherRoleArns: readonly string[] = [],
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: fromOurAlarms(partition, region, accountId),
            },
            ...publisherRoleArns.map((role, i) =>
                publisherStatement(`PublisherPublish${i}`, role, "sns:Publish", topicArn),
            ),
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** The encrypted alarm topic, its policy, and the email subscriptions. */
function alarmTopic(
    name: string,
    args: DetectionArgs,
    partition: string,
    parent: pulumi.CustomResourceOptions,
): {
    key: aws.kms.Key;
    topic: aws.sns.Topic;
    topicArn: pulumi.Output<string>;
    subscriptions: aws.sns.TopicSubscription[];
} {
    // Losing this key would silently stop every alarm from reaching anyone, so a config
    // mistake or a destroy must not delete it (the same options as the log resources).
    const key = new aws.kms.Key(
        `${name}-key`,
        {
            description: "org-access: encrypts the security alarm topic",
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify(
                alarmKeyPolicy(partition, args.region, args.accountId, args.publisherRoleArns),
            ),
            tags: args.tags,
        },
        { ...parent, protect: true, retainOnDelete: true },
    );
    const topic = new aws.sns.Topic(
        `${name}-topic`,
        { name: ALARM_TOPIC_NAME, kmsMasterKeyId: key.arn, tags: args.tags },
        parent,
    );
    // The topic's ARN from its name, so the policy is known in a first preview; `after` keeps the
    // policy after the topic, as reading `topic.arn` did.
    const topicArn = snsTopicArn(partition, args.region, args.accountId, ALARM_TOPIC_NAME);
    const knownArn = after(topic, topicArn);
    new aws.sns.TopicPolicy(
        `${name}-topic-policy`,
        {
            arn: knownArn,
            policy: after(
                topic,
                JSON.stringify(
                    alarmTopicPolicy(
                        topicArn,
                        partition,
                        args.region,
                        args.accountId,
                        args.publisherRoleArns,
                    ),
                ),
            ),
        },
        parent,
    );
    const subscriptions = args.emails.map(
        (email, i) =>
            new aws.sns.TopicSubscription(
                `${name}-email-${i}`,
                { topic: knownArn, protocol: "email", endpoint: email },
                parent,
            ),
    );
    return { key, topic, topicArn: knownArn, subscriptions };
}

/** One alarm: a metric filter on the trail's log group, and the alarm on its metric. */
function metricAlarm(
    name: string,
    def: AlarmDefinition,
    args: DetectionArgs,
    topicArn: pulumi.Output<string>,
    parent: pulumi.CustomResourceOptions,
): { filter: aws.cloudwatch.LogMetricFilter; alarm: aws.cloudwatch.MetricAlarm } {
    const metricName = def.id;
    const filter = new aws.cloudwatch.LogMetricFilter(
        `${name}-${def.id}`,
        {
            name: `org-access-${def.id}`,
            logGroupName: args.logGroupName,
            pattern: def.pattern,
            metricTransformation: {
                name: metricName,
                namespace: METRIC_NAMESPACE,
                value: "1",
            },
        },
        parent,
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-${def.id}-alarm`,
        {
            name: `org-access-${def.id}`,
            alarmDescription: `${def.control}: ${def.description}. See the runbook: docs/runbook.md#when-an-alarm-fires.`,
            namespace: METRIC_NAMESPACE,
            metricName,
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [topicArn],
            tags: args.tags,
        },
        { ...parent, dependsOn: [filter] },
    );
    return { filter, alarm };
}

/**
 * Metric filters and alarms on the organization trail's log group, for the CIS monitoring set
 * and org-access's own access alarms, notifying a KMS-encrypted SNS topic.
 */
export class Detection extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly topic: aws.sns.Topic;
    public readonly filters: aws.cloudwatch.LogMetricFilter[];
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    public readonly subscriptions: aws.sns.TopicSubscription[];
    public readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: DetectionArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `Detection ${name}`, "the provider of the log group's account");
        super(DETECTION_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        const parent = { parent: this };

        const notification = alarmTopic(name, args, partition, parent);
        this.key = notification.key;
        this.topic = notification.topic;
        this.topicArn = notification.topicArn;
        this.subscriptions = notification.subscriptions;

        this.filters = [];
        this.alarms = [];
        for (const def of [
            ...CIS_ALARMS,
            ...accessAlarms(args.breakGlassRoleName, args.logArchiveAdminRoleName),
            ...(args.breakGlassPermissionSetName
                ? [breakGlassPermissionSetAlarm(args.breakGlassPermissionSetName)]
                : []),
        ]) {
            const { filter, alarm } = metricAlarm(name, def, args, this.topicArn, parent);
            this.filters.push(filter);
            this.alarms.push(alarm);
        }
        this.registerOutputs({
            key: this.key,
            topic: this.topic,
            filters: this.filters,
            alarms: this.alarms,
            subscriptions: this.subscriptions,
            topicArn: this.topicArn,
        });
    }
}
