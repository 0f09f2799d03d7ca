import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../config/errors";
import { LOG_ARCHIVE_ADMIN_ROLE } from "../config/schema";
import { trustProblems } from "./auditRole";
import { BREAK_GLASS_MFA_MAX_AGE, DUTY_MAX_SESSION_SECONDS, dutyTrustPolicy } from "./dutyRoles";

/**
 * Reads and changes of the trail bucket's configuration, one IAM action per setting the program
 * manages (the API operations that remove a setting, DeleteBucketLifecycle, DeleteBucketEncryption,
 * DeletePublicAccessBlock and DeleteBucketOwnershipControls, are authorized by these Put actions).
 * No object action: reading, overwriting or deleting logs is not administration.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const LOG_BUCKET_ADMIN_ACTIONS = [
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
];

/**
 * The log key's policy and rotation. Neither DisableKeyRotation, DisableKey nor ScheduleKeyDeletion:
 * the key policy denies the last two to everyone, and rotation stays on.
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
 */
export const LOG_KEY_ADMIN_ACTIONS = [
    "kms:DescribeKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:PutKeyPolicy",
];

/** Exactly the trail bucket's configuration and the log key's policy and rotation, nothing else. */
export function logArchiveAdminPolicy(args: {
    partition: string;
    bucketName: string;
    keyArn: string;
}): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AdministerTrailBucketConfiguration",
                Effect: "Allow",
                Action: [...LOG_BUCKET_ADMIN_ACTIONS],
                Resource: `arn:${args.partition}:s3:::${args.bucketName}`,
            },
            {
                Sid: "AdministerLogKeyPolicyAndRotation",
                Effect: "Allow",
                Action: [...LOG_KEY_ADMIN_ACTIONS],
                Resource: args.keyArn,
            },
        ],
    };
}

export interface LogArchiveAdminRoleArgs {
    /** The security account, whose break-glass users alone may assume the role. */
    readonly trustedAccountId: string;
    /** Exact IAM user ARNs of the break-glass group, each needing a fresh MFA sign-in. */
    readonly breakGlassUserArns: pulumi.Input<readonly string[]>;
    /** The organization trail's bucket, in the account of the provider. */
    readonly bucketName: string;
    /** The organization trail's KMS key, in the account of the provider. */
    readonly keyArn: pulumi.Input<string>;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

/**
 * `OrgAccessLogArchiveAdmin` in the log-archive account: the one principal that the bucket policy,
 * the key policy and the guardrail SCP let change the trail bucket's configuration and the log
 * key's policy. Only the break-glass users of the security account may assume it, with an MFA
 * sign-in of the last 15 minutes, for one hour; no CI identity can reach it. Object deletion stays
 * denied to it as to everyone (bucket policy and Object Lock).
 */
export class LogArchiveAdminRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly policy: aws.iam.RolePolicy;

    constructor(
        name: string,
        args: LogArchiveAdminRoleArgs,
        opts: pulumi.ComponentResourceOptions,
    ) {
        if (!opts.provider)
            throw new Error(
                `LogArchiveAdminRole ${name}: a provider for the log-archive account is required`,
            );
        super("org-access:logging:LogArchiveAdminRole", name, {}, opts);
        const partition = args.partition ?? "aws";
        const assumeRolePolicy = pulumi.output(args.breakGlassUserArns).apply((arns) => {
            const problems = trustProblems(args.trustedAccountId, arns, []);
            if (problems.length > 0)
                throw new InputError(
                    `LogArchiveAdminRole ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
                );
            return JSON.stringify(dutyTrustPolicy(arns, BREAK_GLASS_MFA_MAX_AGE));
        });
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: LOG_ARCHIVE_ADMIN_ROLE,
                path: "/",
                description: `Administers the organization trail's bucket configuration and key policy; break-glass users of account ${args.trustedAccountId} only`,
                assumeRolePolicy,
                maxSessionDuration: DUTY_MAX_SESSION_SECONDS,
                forceDetachPolicies: true,
                tags: { ...args.tags, Duty: "break-glass" },
            },
            // Deleting it would leave the bucket and key policies naming a role nobody holds.
            { parent: this, protect: true },
        );
        this.roleArn = this.role.arn;
        this.policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                name: "administer-log-archive",
                role: this.role.name,
                policy: pulumi.output(args.keyArn).apply((keyArn) =>
                    JSON.stringify(
                        logArchiveAdminPolicy({
                            partition,
                            bucketName: args.bucketName,
                            keyArn,
                        }),
                    ),
                ),
            },
            { parent: this, protect: true },
        );
        this.registerOutputs({ role: this.role, roleArn: this.roleArn, policy: this.policy });
    }
}
