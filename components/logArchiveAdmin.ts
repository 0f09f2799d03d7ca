import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../config/errors";
import { ACCOUNT_ID } from "../config/patterns";
import { LOG_ARCHIVE_ADMIN_ROLE } from "../config/schema";
import { BREAK_GLASS_MFA_MAX_AGE, DUTY_MAX_SESSION_SECONDS } from "./dutyRoles";
import { LOG_ARCHIVE_ADMIN_ROLE_TYPE } from "../policypack/componentTypes";
import { accountRootArn, after, iamRoleArn, iamUserArn, kmsKeyArn, s3BucketArn } from "./arns";
import { requireProvider } from "./componentOptions";

/**
 * The break-glass users' own IAM path, under the security stack's `iamPath`: only the break-glass
 * group's users are created there (components/dutyGroup.ts), so a trust policy can name all of them,
 * present and future, without listing them.
 */
export function breakGlassUserPath(iamPath: string): string {
    return `${iamPath}break-glass/`;
}

/** An IAM path below the root, without the characters ArnLike would read as wildcards. */
const DEDICATED_PATH = /^\/([\x21-\x29\x2b-\x3e\x40-\x7e]+\/)+$/;

/**
 * Who may assume the admin role: any user under the break-glass path of the security account, with
 * an MFA sign-in of the last 15 minutes. The trust names the path, not the users, because once the
 * guardrail SCP is attached nobody but the role itself may change the role
 * (components/guardrails.ts, ProtectLogArchiveAdmin): a trust policy listing the users would have
 * to change, and be refused, whenever `breakGlass.users` changes. The account principal delegates
 * to the security account's IAM, so the users' own grant (the break-glass group's policy) is needed
 * as well; `aws:PrincipalArn` is the caller's user ARN, path included.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function logArchiveAdminTrustPolicy(args: {
    partition: string;
    securityAccountId: string;
    breakGlassUserPath: string;
}): aws.iam.PolicyDocument {
    const problems: string[] = [];
    if (!ACCOUNT_ID.test(args.securityAccountId))
        problems.push(`security account "${args.securityAccountId}" is not a 12-digit account id`);
    if (!DEDICATED_PATH.test(args.breakGlassUserPath) || args.breakGlassUserPath.length > 512)
        problems.push(
            `break-glass user path "${args.breakGlassUserPath}" must be an IAM path below "/" (such as /org-access/break-glass/), with no * or ?`,
        );
    if (problems.length > 0) throw new InputError(problems.join("; "));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "BreakGlassUsersWithFreshMfa",
                Effect: "Allow",
                Principal: { AWS: accountRootArn(args.partition, args.securityAccountId) },
                Action: "sts:AssumeRole",
                Condition: {
                    ArnLike: {
                        "aws:PrincipalArn": iamUserArn(
                            args.partition,
                            args.securityAccountId,
                            "*",
                            args.breakGlassUserPath,
                        ),
                    },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: {
                        "aws:MultiFactorAuthAge": String(BREAK_GLASS_MFA_MAX_AGE),
                    },
                },
            },
        ],
    };
}

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

/** Where the log key lives and the alias that names it (components/orgTrail.ts, `logKeyAliasName`). */
export interface LogKeyRef {
    readonly region: string;
    /** The log-archive account, which holds the key. */
    readonly accountId: string;
    /** `alias/...`: the alias of the log key. */
    readonly aliasName: string;
}

/**
 * Exactly the trail bucket's configuration and the log key's policy and rotation, nothing else.
 *
 * The key is named by its alias, not its ARN: a key's id is random, so its ARN is unknown until the
 * key exists, and a policy that named it would be unknown in the first `pulumi preview`, where the
 * policy pack could not check it. An IAM policy cannot name a key by an alias ARN in `Resource`
 * (that names the alias itself), so the statement covers the account's keys and keeps only the one
 * the alias points to, with `kms:ResourceAliases`; `ForAnyValue` needs the alias to be among the
 * key's aliases, and a key without aliases never matches.
 * https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
 * The key policy denies everyone but this role UpdateAlias and DeleteAlias on the log key
 * (components/orgTrailPolicies.ts), so nobody else can move the alias off the key, which would
 * take this grant away from it (an alias operation needs permission on the key as well:
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html).
 */
export function logArchiveAdminPolicy(args: {
    partition: string;
    bucketName: string;
    key: LogKeyRef;
}): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AdministerTrailBucketConfiguration",
                Effect: "Allow",
                Action: [...LOG_BUCKET_ADMIN_ACTIONS],
                Resource: s3BucketArn(args.partition, args.bucketName),
            },
            {
                Sid: "AdministerLogKeyPolicyAndRotation",
                Effect: "Allow",
                Action: [...LOG_KEY_ADMIN_ACTIONS],
                Resource: kmsKeyArn(args.partition, args.key.region, args.key.accountId, "*"),
                Condition: {
                    "ForAnyValue:StringEquals": { "kms:ResourceAliases": args.key.aliasName },
                },
            },
        ],
    };
}

export interface LogArchiveAdminRoleArgs {
    /** The security account, whose break-glass users alone may assume the role. */
    readonly trustedAccountId: string;
    /** IAM path of the break-glass users in the security account (`breakGlassUserPath(iamPath)`). */
    readonly breakGlassUserPath: string;
    /** The organization trail's bucket, in the account of the provider. */
    readonly bucketName: string;
    /** The organization trail's KMS key, in the account of the provider, by its alias. */
    readonly key: LogKeyRef;
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
        requireProvider(
            opts,
            `LogArchiveAdminRole ${name}`,
            "a provider for the log-archive account",
        );
        super(LOG_ARCHIVE_ADMIN_ROLE_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        let trust: aws.iam.PolicyDocument;
        try {
            trust = logArchiveAdminTrustPolicy({
                partition,
                securityAccountId: args.trustedAccountId,
                breakGlassUserPath: args.breakGlassUserPath,
            });
        } catch (e) {
            throw new InputError(
                `LogArchiveAdminRole ${name}: refusing to create a trust policy: ${(e as Error).message}`,
            );
        }
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: LOG_ARCHIVE_ADMIN_ROLE,
                path: "/",
                description: `Administers the organization trail's bucket configuration and key policy; break-glass users of account ${args.trustedAccountId} only`,
                assumeRolePolicy: JSON.stringify(trust),
                maxSessionDuration: DUTY_MAX_SESSION_SECONDS,
                forceDetachPolicies: true,
                tags: { ...args.tags, Duty: "break-glass" },
            },
            // Deleting it would leave the bucket and key policies naming a role nobody holds.
            { parent: this, protect: true },
        );
        this.roleArn = after(
            this.role,
            iamRoleArn(partition, args.key.accountId, LOG_ARCHIVE_ADMIN_ROLE),
        );
        this.policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                name: "administer-log-archive",
                role: this.role.name,
                policy: JSON.stringify(
                    logArchiveAdminPolicy({
                        partition,
                        bucketName: args.bucketName,
                        key: args.key,
                    }),
                ),
            },
            { parent: this, protect: true },
        );
        this.registerOutputs({ role: this.role, roleArn: this.roleArn, policy: this.policy });
    }
}
