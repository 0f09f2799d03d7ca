import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { after, cloudTrailArn, iamRoleArn, logGroupArn, s3BucketArn } from "./arns";
import { logGroupKeyPolicy, trailBucketPolicy, trailKeyPolicy } from "./orgTrailPolicies";
import { ORG_TRAIL_TYPE } from "../policypack/componentTypes";

/**
 * OrgTrail spans two accounts, so it takes one named provider per account here and no
 * `opts.provider` (docs/components.md, "How a component takes its provider").
 */
export interface OrgTrailArgs {
    /** Provider of the management account, where an organization trail must live. */
    readonly managementProvider: aws.Provider;
    /** Provider of the log-archive account, which holds the bucket and the key. */
    readonly logArchiveProvider: aws.Provider;
    readonly organizationId: string;
    readonly managementAccountId: string;
    readonly logArchiveAccountId: string;
    readonly region: string;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Trail name; fixed, so its ARN is known before it exists. */
    readonly trailName: string;
    readonly bucketName: string;
    /** Retention of the CloudWatch Logs copy, in days. */
    readonly logGroupRetentionDays: number;
    /** Days until log objects move to cold storage. */
    readonly transitionDays: number;
    readonly storageClass: "GLACIER" | "DEEP_ARCHIVE" | "GLACIER_IR";
    /** Days until log objects expire; never, if unset. Never before the Object Lock retention ends. */
    readonly expirationDays?: number;
    /** Default Object Lock retention of every log object, in days, in COMPLIANCE mode. */
    readonly objectLockRetentionDays: number;
    /**
     * ARN of the log-archive admin role (components/logArchiveAdmin.ts). When set, the bucket policy
     * and the key policy deny every other principal the changes that could weaken the evidence.
     */
    readonly adminRoleArn?: string;
    readonly tags?: Record<string, string>;
}

/**
 * Logs are evidence: a config mistake must fail loudly (protect) and even a forced delete must
 * leave the cloud resource in place (retainOnDelete).
 * https://www.pulumi.com/docs/iac/concepts/options/retainondelete/
 */
export const EVIDENCE_OPTIONS = { protect: true, retainOnDelete: true } as const;

/** Options of a child of OrgTrail: its parent, its account's provider, and the evidence options. */
type EvidenceOptions = pulumi.CustomResourceOptions;

/** What the parts of the trail derive from the args: the partition and the trail's fixed ARN. */
interface TrailIdentity {
    readonly partition: string;
    readonly trailArn: string;
}

/** The alias of the trail's log key: known before the key, whose id is random, exists. */
export function logKeyAliasName(trailName: string): string {
    return `alias/org-access/${trailName}`;
}

/** The log key (log-archive account), and its alias. */
function logKey(
    name: string,
    args: OrgTrailArgs,
    trail: TrailIdentity,
    opts: EvidenceOptions,
): aws.kms.Key {
    const key = new aws.kms.Key(
        `${name}-key`,
        {
            description: `org-access: encrypts the logs of organization trail ${args.trailName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify(
                trailKeyPolicy({
                    partition: trail.partition,
                    logArchiveAccountId: args.logArchiveAccountId,
                    managementAccountId: args.managementAccountId,
                    trailArn: trail.trailArn,
                    adminRoleArn: args.adminRoleArn,
                }),
            ),
            // The policy denies the deploy role that creates the key any later PutKeyPolicy, which
            // KMS's lockout check refuses unless told this is intended; the admin role keeps it.
            // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-BypassPolicyLockoutSafetyCheck
            bypassPolicyLockoutSafetyCheck: args.adminRoleArn !== undefined,
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(
        `${name}-key-alias`,
        { name: logKeyAliasName(args.trailName), targetKeyId: key.keyId },
        opts,
    );
    return key;
}

/** The trail bucket and everything that configures it, in the log-archive account. */
interface LogBucket {
    readonly bucket: aws.s3.Bucket;
    /** The bucket's configuration, Object Lock included, without its policy. */
    readonly configuration: pulumi.Resource[];
    readonly objectLock: aws.s3.BucketObjectLockConfiguration;
    readonly bucketPolicy: aws.s3.BucketPolicy;
}

function logBucket(
    name: string,
    args: OrgTrailArgs,
    trail: TrailIdentity & { readonly key: aws.kms.Key },
    opts: EvidenceOptions,
): LogBucket {
    // Object Lock is chosen when the bucket is created (CreateBucket's
    // x-amz-bucket-object-lock-enabled); it turns versioning on and can never be turned off.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
    // The provider treats `objectLockEnabled` as create-only (a change means a replacement,
    // which protect refuses) but reads it back on refresh: an existing bucket gets Object Lock
    // out of band first (docs/evidence.md#the-log-evidence).
    const resource = new aws.s3.Bucket(
        `${name}-bucket`,
        {
            bucket: args.bucketName,
            forceDestroy: false,
            objectLockEnabled: true,
            tags: args.tags,
        },
        opts,
    );
    const bucket = resource.bucket;
    const configuration: pulumi.Resource[] = [
        new aws.s3.BucketPublicAccessBlock(
            `${name}-bucket-public-access-block`,
            {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            opts,
        ),
        new aws.s3.BucketOwnershipControls(
            `${name}-bucket-ownership`,
            { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            opts,
        ),
        new aws.s3.BucketVersioning(
            `${name}-bucket-versioning`,
            { bucket, versioningConfiguration: { status: "Enabled" } },
            opts,
        ),
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-bucket-encryption`,
            {
                bucket,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: trail.key.arn,
                        },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            opts,
        ),
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-bucket-lifecycle`,
            {
                bucket,
                rules: [
                    {
                        id: "logs-to-cold-storage",
                        status: "Enabled",
                        filter: { prefix: "" },
                        transitions: [
                            { days: args.transitionDays, storageClass: args.storageClass },
                        ],
                        noncurrentVersionTransitions: [
                            {
                                noncurrentDays: args.transitionDays,
                                storageClass: args.storageClass,
                            },
                        ],
                        ...(args.expirationDays === undefined
                            ? {}
                            : { expiration: { days: args.expirationDays } }),
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            opts,
        ),
    ];
    // COMPLIANCE: no user, root included, can delete a locked version or shorten its retention.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
    const objectLock = new aws.s3.BucketObjectLockConfiguration(
        `${name}-bucket-object-lock`,
        {
            bucket,
            objectLockEnabled: "Enabled",
            rule: {
                defaultRetention: { mode: "COMPLIANCE", days: args.objectLockRetentionDays },
            },
        },
        opts,
    );
    configuration.push(objectLock);
    // Last: once in place, it denies the deploy role every other change to the bucket. The
    // bucket's ARN comes from its name, so the policy is known in a first preview; `bucket` still
    // orders it after the bucket.
    const bucketPolicy = new aws.s3.BucketPolicy(
        `${name}-bucket-policy`,
        {
            bucket,
            policy: JSON.stringify(
                trailBucketPolicy(s3BucketArn(trail.partition, args.bucketName), {
                    trailArn: trail.trailArn,
                    organizationId: args.organizationId,
                    managementAccountId: args.managementAccountId,
                    adminRoleArn: args.adminRoleArn,
                }),
            ),
        },
        { ...opts, dependsOn: configuration },
    );
    return { bucket: resource, configuration, objectLock, bucketPolicy };
}

/** The name of the trail's CloudWatch Logs group. */
export function trailLogGroupName(trailName: string): string {
    return `/org-access/cloudtrail/${trailName}`;
}

/** The name of the role that delivers the trail's events to its log group (IAM's limit is 64). */
export function deliveryRoleName(trailName: string): string {
    return `org-access-cloudtrail-${trailName}`.slice(0, 64);
}

/** The CloudWatch Logs copy of the trail, in the management account, and what delivers to it. */
interface LogDelivery {
    readonly logGroupKey: aws.kms.Key;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly deliveryRole: aws.iam.Role;
    readonly deliveryPolicy: aws.iam.RolePolicy;
}

function logDelivery(
    name: string,
    args: OrgTrailArgs,
    trail: TrailIdentity,
    opts: EvidenceOptions,
): LogDelivery {
    const logGroupName = trailLogGroupName(args.trailName);
    const groupArn = logGroupArn(
        trail.partition,
        args.region,
        args.managementAccountId,
        logGroupName,
    );
    const logGroupKey = new aws.kms.Key(
        `${name}-logs-key`,
        {
            description: `org-access: encrypts the CloudWatch Logs copy of organization trail ${args.trailName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify(
                logGroupKeyPolicy({
                    partition: trail.partition,
                    region: args.region,
                    managementAccountId: args.managementAccountId,
                    logGroupArn: groupArn,
                }),
            ),
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(
        `${name}-logs-key-alias`,
        {
            name: `alias/org-access/${args.trailName}-logs`,
            targetKeyId: logGroupKey.keyId,
        },
        opts,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            name: logGroupName,
            retentionInDays: args.logGroupRetentionDays,
            kmsKeyId: logGroupKey.arn,
            tags: args.tags,
        },
        opts,
    );
    const deliveryRole = new aws.iam.Role(
        `${name}-cloudwatch-role`,
        {
            name: deliveryRoleName(args.trailName),
            description: "Lets the organization trail deliver events to its CloudWatch Logs group",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "CloudTrailForThisTrailOnly",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceArn": trail.trailArn } },
                    },
                ],
            } satisfies aws.iam.PolicyDocument),
            tags: args.tags,
        },
        opts,
    );
    const deliveryPolicy = new aws.iam.RolePolicy(
        `${name}-cloudwatch-delivery`,
        {
            role: deliveryRole.name,
            name: "deliver-to-log-group",
            // The group's ARN from its name: known in a first preview, and still after the group.
            policy: after(
                logGroup,
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "WriteTrailStreams",
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: `${groupArn}:log-stream:*`,
                        },
                    ],
                } satisfies aws.iam.PolicyDocument),
            ),
        },
        opts,
    );
    return { logGroupKey, logGroup, deliveryRole, deliveryPolicy };
}

/**
 * An organization CloudTrail trail in the management account that records every account and
 * region, with log-file validation, into a KMS-encrypted, versioned, Object-Locked private bucket in
 * the log-archive account, and into a KMS-encrypted CloudWatch Logs group for alarms.
 *
 * Every resource here is evidence or keeps evidence flowing, so each one is protected and retained
 * on delete: removing this component from the program, `pulumi destroy` (with or without
 * `--exclude-protected`) or a replacement can delete none of them, nor suspend versioning, drop the
 * Deny-log-deletion policy, add an expiring lifecycle, or stop the delivery to CloudWatch Logs
 * (which would silence the alarms without touching the trail).
 */
export class OrgTrail extends pulumi.ComponentResource {
    public readonly trail: aws.cloudtrail.Trail;
    public readonly bucket: aws.s3.Bucket;
    public readonly bucketPolicy: aws.s3.BucketPolicy;
    public readonly objectLock: aws.s3.BucketObjectLockConfiguration;
    public readonly key: aws.kms.Key;
    public readonly logGroupKey: aws.kms.Key;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly deliveryRole: aws.iam.Role;
    public readonly deliveryPolicy: aws.iam.RolePolicy;
    public readonly trailArn: pulumi.Output<string>;
    /**
     * The trail bucket's configuration and the key: what the guardrail SCP lets only the admin role
     * change, so the SCP must be attached after them on a first deploy.
     */
    public readonly protectedConfiguration: pulumi.Resource[];

    constructor(name: string, args: OrgTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super(ORG_TRAIL_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        // One component, two accounts: each child names the provider of the account it lives in
        // (docs/components.md#how-a-component-takes-its-provider).
        if (opts?.provider)
            throw new Error(
                `OrgTrail ${name}: spans two accounts; give managementProvider and logArchiveProvider in args, not opts.provider`,
            );
        const arn = cloudTrailArn(partition, args.region, args.managementAccountId, args.trailName);
        const inArchive = { parent: this, provider: args.logArchiveProvider, ...EVIDENCE_OPTIONS };
        const inManagement = {
            parent: this,
            provider: args.managementProvider,
            ...EVIDENCE_OPTIONS,
        };

        this.key = logKey(name, args, { partition, trailArn: arn }, inArchive);
        const store = logBucket(name, args, { partition, trailArn: arn, key: this.key }, inArchive);
        this.bucket = store.bucket;
        this.objectLock = store.objectLock;
        this.bucketPolicy = store.bucketPolicy;
        const delivery = logDelivery(name, args, { partition, trailArn: arn }, inManagement);
        this.logGroupKey = delivery.logGroupKey;
        this.logGroup = delivery.logGroup;
        this.deliveryRole = delivery.deliveryRole;
        this.deliveryPolicy = delivery.deliveryPolicy;

        // CreateTrail checks that CloudTrail can write to the bucket and, with a log group, that it can
        // assume the delivery role and write the group: both policies must exist first. Waiting for the
        // Object Lock configuration too means no log lands in the bucket without a retention.
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
        this.trail = new aws.cloudtrail.Trail(
            `${name}-trail`,
            {
                name: args.trailName,
                s3BucketName: this.bucket.bucket,
                // The key's ARN, unknown in a first preview, where cloudtrail-hardened checks only
                // that a key is named. CreateTrail would take the alias ARN, known up front
                // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html,
                // KmsKeyId), but the trail reports the key's ARN back, and the alias can be moved:
                // the trail records the key itself.
                kmsKeyId: this.key.arn,
                isOrganizationTrail: true,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                // Both ARNs from config, so a first preview knows them; each still waits for its resource.
                cloudWatchLogsGroupArn: after(
                    this.logGroup,
                    `${logGroupArn(partition, args.region, args.managementAccountId, trailLogGroupName(args.trailName))}:*`,
                ),
                cloudWatchLogsRoleArn: after(
                    this.deliveryRole,
                    iamRoleArn(
                        partition,
                        args.managementAccountId,
                        deliveryRoleName(args.trailName),
                    ),
                ),
                tags: args.tags,
            },
            {
                ...inManagement,
                dependsOn: [this.bucketPolicy, this.objectLock, this.deliveryPolicy],
            },
        );
        this.trailArn = after(this.trail, arn);
        this.protectedConfiguration = [...store.configuration, this.bucketPolicy, this.key];

        this.registerOutputs({
            trail: this.trail,
            bucket: this.bucket,
            bucketPolicy: this.bucketPolicy,
            objectLock: this.objectLock,
            key: this.key,
            logGroupKey: this.logGroupKey,
            logGroup: this.logGroup,
            deliveryRole: this.deliveryRole,
            deliveryPolicy: this.deliveryPolicy,
            trailArn: this.trailArn,
            protectedConfiguration: this.protectedConfiguration,
        });
    }
}
