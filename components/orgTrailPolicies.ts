// The policy documents of the organization trail's evidence: the bucket policy and the two key
// policies, as pure functions of config, so tests and the policy pack read exactly what deploys.
import * as aws from "@pulumi/aws";
import { accountRootArn, cloudTrailArn } from "./arns";
import {
    LOG_BUCKET_CONFIG_ACTIONS,
    LOG_DELETION_ACTIONS,
    LOG_KEY_ALIAS_ACTIONS,
    LOG_KEY_CONFIG_ACTIONS,
    LOG_KEY_DELETION_ACTIONS,
} from "./guardrails";

/** Deny every principal but the log-archive admin role; a service principal has no PrincipalArn, so is denied too. */
function exceptAdmin(adminRoleArn: string) {
    return { ArnNotEquals: { "aws:PrincipalArn": adminRoleArn } };
}

/**
 * Bucket policy: TLS only, no deletion of logs, CloudTrail may write only for this trail, and, with
 * an admin role, nobody else may change the bucket's configuration. The last statement holds even
 * where no SCP applies (no guardrails, or an SCP detached from the management account), so a
 * CI-reachable deploy role cannot add an expiring lifecycle rule or replace this policy. The root
 * principal of the bucket's account can still get, put and delete a bucket policy that denies it;
 * only an SCP can stop it, and the baseline SCP denies the root user of every member account.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html
 */
export function trailBucketPolicy(
    bucketArn: string,
    args: {
        trailArn: string;
        organizationId: string;
        managementAccountId: string;
        adminRoleArn?: string;
    },
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
            // The bucket too, as the guardrail SCP denies it: where no SCP applies, nothing else
            // would stop an administrator of the account (evidence/proofs/logs-immutable.ts).
            {
                Sid: "DenyLogDeletion",
                Effect: "Deny",
                Principal: "*",
                Action: [...LOG_DELETION_ACTIONS],
                Resource: [bucketArn, `${bucketArn}/*`],
            },
            ...(args.adminRoleArn
                ? [
                      {
                          Sid: "OnlyLogArchiveAdminConfigures",
                          Effect: "Deny",
                          Principal: "*",
                          Action: [...LOG_BUCKET_CONFIG_ACTIONS],
                          Resource: bucketArn,
                          Condition: exceptAdmin(args.adminRoleArn),
                      } satisfies aws.iam.PolicyStatement,
                  ]
                : []),
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

/**
 * Nobody disables or deletes a log key: the logs it encrypted would be unreadable, Object Lock or
 * not. Removing this statement takes a key-policy change first, which is itself restricted.
 */
const DENY_KEY_DELETION: aws.iam.PolicyStatement = {
    Sid: "DenyKeyDeletion",
    Effect: "Deny",
    Principal: "*",
    Action: [...LOG_KEY_DELETION_ACTIONS],
    Resource: "*",
};

/** The account administers its key through IAM (the deploy role tags it, the admin role's policy grants it). */
function accountAdministers(
    sid: string,
    partition: string,
    accountId: string,
): aws.iam.PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: accountRootArn(partition, accountId) },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * Key policy of the trail's key. The log-archive account keeps IAM delegation (the deploy role tags
 * and describes the key, the admin role's own policy grants it the rest), but with an admin role the
 * policy itself denies every other principal PutKeyPolicy and DisableKeyRotation: an IAM policy that
 * grants kms:* to a CI-reachable role cannot override that Deny, even where no SCP applies. The
 * condition names the role's ARN, not its unique id: the role need not exist when the key is
 * created (a Principal element would have to), and recreating it restores administration.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function trailKeyPolicy(args: {
    partition: string;
    logArchiveAccountId: string;
    managementAccountId: string;
    trailArn: string;
    adminRoleArn?: string;
}): aws.iam.PolicyDocument {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    return {
        Version: "2012-10-17",
        Statement: [
            accountAdministers(
                "LogArchiveAccountAdministers",
                args.partition,
                args.logArchiveAccountId,
            ),
            DENY_KEY_DELETION,
            ...(args.adminRoleArn
                ? [
                      {
                          Sid: "OnlyLogArchiveAdminChangesPolicy",
                          Effect: "Deny",
                          Principal: "*",
                          // The changes the guardrail SCP reserves to the admin role, grants
                          // included, and the alias actions: the admin role's own policy finds
                          // the key by its alias (components/logArchiveAdmin.ts), so moving or
                          // deleting the alias would take the key away from it.
                          Action: [...LOG_KEY_CONFIG_ACTIONS, ...LOG_KEY_ALIAS_ACTIONS],
                          Resource: "*",
                          Condition: exceptAdmin(args.adminRoleArn),
                      } satisfies aws.iam.PolicyStatement,
                  ]
                : []),
            {
                Sid: "CloudTrailEncrypts",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:GenerateDataKey*",
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceArn": args.trailArn },
                    StringLike: {
                        "kms:EncryptionContext:aws:cloudtrail:arn": cloudTrailArn(
                            args.partition,
                            "*",
                            args.managementAccountId,
                            "*",
                        ),
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
 * Key policy of the log group's key, as CloudWatch Logs documents it: the regional logs service
 * principal may use the key only for this log group (encryption context `aws:logs:arn`).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logGroupKeyPolicy(args: {
    partition: string;
    region: string;
    managementAccountId: string;
    logGroupArn: string;
}): aws.iam.PolicyDocument {
    const suffix = args.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    return {
        Version: "2012-10-17",
        Statement: [
            accountAdministers(
                "ManagementAccountAdministers",
                args.partition,
                args.managementAccountId,
            ),
            DENY_KEY_DELETION,
            {
                Sid: "CloudWatchLogsForThisLogGroup",
                Effect: "Allow",
                Principal: { Service: `logs.${args.region}.${suffix}` },
                Action: [
                    "kms:Decrypt*",
                    "kms:Describe*",
                    "kms:Encrypt*",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                Resource: "*",
                Condition: {
                    ArnEquals: { "kms:EncryptionContext:aws:logs:arn": args.logGroupArn },
                },
            },
        ],
    };
}
