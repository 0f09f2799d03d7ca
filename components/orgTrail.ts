import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

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
    /** Days until log objects expire; never, if unset. */
    readonly expirationDays?: number;
    readonly tags?: Record<string, string>;
}

/**
 * Logs are evidence: a config mistake must fail loudly (protect) and even a forced delete must
 * leave the cloud resource in place (retainOnDelete).
 * https://www.pulumi.com/docs/iac/concepts/options/retainondelete/
 */
export const EVIDENCE_OPTIONS = { protect: true, retainOnDelete: true } as const;

/** Where the trail's ARN points; computed, so the bucket and key policies can name it up front. */
export function trailArn(
    partition: string,
    region: string,
    managementAccountId: string,
    trailName: string,
): string {
    return `arn:${partition}:cloudtrail:${region}:${managementAccountId}:trail/${trailName}`;
}

/** Bucket policy: TLS only, no deletion of logs, and CloudTrail may write only for this trail. */
export function trailBucketPolicy(
    bucketArn: string,
    args: { trailArn: string; organizationId: string; managementAccountId: string },
): aws.iam.PolicyDocument {
    // CloudTrail's documented bucket policy for organization trails, scoped by aws:SourceArn:
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    const source = { "aws:SourceArn": args.trailArn };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "DenyLogDeletion",
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                Resource: `${bucketArn}/*`,
            },
            {
                Sid: "CloudTrailAclCheck",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: bucketArn,
                Condition: { StringEquals: source },
            },
            {
                Sid: "CloudTrailWrite",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: [
                    `${bucketArn}/AWSLogs/${args.managementAccountId}/*`,
                    `${bucketArn}/AWSLogs/${args.organizationId}/*`,
                ],
                Condition: {
                    StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" },
                },
            },
        ],
    };
}

/** Key policy: the log-archive account administers the key; CloudTrail may use it only for this trail. */
export function trailKeyPolicy(args: {
    partition: string;
    logArchiveAccountId: string;
    managementAccountId: string;
    trailArn: string;
}): aws.iam.PolicyDocument {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LogArchiveAccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:${args.partition}:iam::${args.logArchiveAccountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudTrailEncrypts",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:GenerateDataKey*",
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceArn": args.trailArn },
                    StringLike: {
                        "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${args.partition}:cloudtrail:*:${args.managementAccountId}:trail/*`,
                    },
                },
            },
            {
                Sid: "CloudTrailDescribesKey",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:DescribeKey",
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceArn": args.trailArn } },
            },
        ],
    };
}

/**
 * An organization CloudTrail trail in the management account that records every account and
 * region, with log-file validation, into a KMS-encrypted, versioned, private bucket in the
 * log-archive account, and into a CloudWatch Logs group for alarms.
 */
export class OrgTrail extends pulumi.ComponentResource {
    public readonly trail: aws.cloudtrail.Trail;
    public readonly bucket: aws.s3.Bucket;
    public readonly key: aws.kms.Key;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly trailArn: pulumi.Output<string>;

    constructor(name: string, args: OrgTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("org-access:logging:OrgTrail", name, {}, opts);
        const partition = args.partition ?? "aws";
        const arn = trailArn(partition, args.region, args.managementAccountId, args.trailName);
        const inArchive = { parent: this, provider: args.logArchiveProvider };
        const inManagement = { parent: this, provider: args.managementProvider };

        this.key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `org-access: encrypts the logs of organization trail ${args.trailName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: JSON.stringify(
                    trailKeyPolicy({
                        partition,
                        logArchiveAccountId: args.logArchiveAccountId,
                        managementAccountId: args.managementAccountId,
                        trailArn: arn,
                    }),
                ),
                tags: args.tags,
            },
            { ...inArchive, ...EVIDENCE_OPTIONS },
        );
        new aws.kms.Alias(
            `${name}-key-alias`,
            { name: `alias/org-access/${args.trailName}`, targetKeyId: this.key.keyId },
            inArchive,
        );

        this.bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { bucket: args.bucketName, forceDestroy: false, tags: args.tags },
            { ...inArchive, ...EVIDENCE_OPTIONS },
        );
        const bucket = this.bucket.bucket;
        new aws.s3.BucketPublicAccessBlock(
            `${name}-bucket-public-access-block`,
            {
                bucket,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            inArchive,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-bucket-ownership`,
            { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            inArchive,
        );
        new aws.s3.BucketVersioning(
            `${name}-bucket-versioning`,
            { bucket, versioningConfiguration: { status: "Enabled" } },
            inArchive,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-bucket-encryption`,
            {
                bucket,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: this.key.arn,
                        },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            inArchive,
        );
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
            inArchive,
        );
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-bucket-policy`,
            {
                bucket,
                policy: this.bucket.arn.apply((bucketArn) =>
                    JSON.stringify(
                        trailBucketPolicy(bucketArn, {
                            trailArn: arn,
                            organizationId: args.organizationId,
                            managementAccountId: args.managementAccountId,
                        }),
                    ),
                ),
            },
            inArchive,
        );

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/org-access/cloudtrail/${args.trailName}`,
                retentionInDays: args.logGroupRetentionDays,
                tags: args.tags,
            },
            { ...inManagement, ...EVIDENCE_OPTIONS },
        );
        const deliveryRole = new aws.iam.Role(
            `${name}-cloudwatch-role`,
            {
                name: `org-access-cloudtrail-${args.trailName}`.slice(0, 64),
                description:
                    "Lets the organization trail deliver events to its CloudWatch Logs group",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "CloudTrailForThisTrailOnly",
                            Effect: "Allow",
                            Principal: { Service: "cloudtrail.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceArn": arn } },
                        },
                    ],
                } satisfies aws.iam.PolicyDocument),
                tags: args.tags,
            },
            inManagement,
        );
        new aws.iam.RolePolicy(
            `${name}-cloudwatch-delivery`,
            {
                role: deliveryRole.name,
                name: "deliver-to-log-group",
                policy: this.logGroup.arn.apply((groupArn) =>
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
            inManagement,
        );

        this.trail = new aws.cloudtrail.Trail(
            `${name}-trail`,
            {
                name: args.trailName,
                s3BucketName: bucket,
                kmsKeyId: this.key.arn,
                isOrganizationTrail: true,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                cloudWatchLogsGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
                cloudWatchLogsRoleArn: deliveryRole.arn,
                tags: args.tags,
            },
            { ...inManagement, dependsOn: [bucketPolicy] },
        );
        this.trailArn = this.trail.arn;

        this.registerOutputs({
            trail: this.trail,
            bucket: this.bucket,
            key: this.key,
            logGroup: this.logGroup,
            trailArn: this.trailArn,
        });
    }
}
