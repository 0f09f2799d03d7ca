/**
 * The resources org-access itself plans (as the brief of the program describes them), used to
 * prove the project's own stacks plan clean under the pack.
 */
import { PlannedResource } from "../../policypack/runner";

export const MANAGEMENT = "111111111111";
export const SECURITY = "222222222222";
export const WORKLOAD = "333333333333";
export const LOG_ARCHIVE = "444444444444";
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-access`;
const BUCKET = "org-access-trail-logs";

function provider(account: string): NonNullable<PlannedResource["provider"]> {
    return {
        type: "pulumi:providers:aws",
        name: `aws-${account}`,
        urn: `urn:pulumi:prod::org-access::pulumi:providers:aws::aws-${account}`,
        props: {
            region: "us-east-1",
            allowedAccountIds: [account],
            assumeRoles: [
                {
                    roleArn: `arn:aws:iam::${account}:role/OrgAccessDeploy`,
                    sessionName: "org-access",
                },
            ],
        },
    };
}

const json = (o: unknown): string => JSON.stringify(o);

export function ownProgramResources(): PlannedResource[] {
    const out: PlannedResource[] = [];
    const add = (
        account: string,
        type: string,
        name: string,
        props: Record<string, unknown>,
        parent?: string,
    ): void => {
        out.push({
            type,
            name,
            props,
            provider: provider(account),
            urn: `urn:pulumi:prod::org-access::${type}::${name}`,
            ...(parent ? { parent } : {}),
        });
    };
    for (const a of [MANAGEMENT, SECURITY, WORKLOAD, LOG_ARCHIVE]) {
        const p = provider(a);
        out.push({ type: p.type, name: p.name, urn: p.urn, props: p.props });
    }

    // Workload account: the audit role.
    const component = `urn:pulumi:prod::org-access::org-access:access:AuditRole::audit-${WORKLOAD}`;
    out.push({
        type: "org-access:access:AuditRole",
        name: `audit-${WORKLOAD}`,
        urn: component,
        props: {},
    });
    const humans = ["alice", "bob"].map((u) => `arn:aws:iam::${SECURITY}:user/${u}`);
    add(
        WORKLOAD,
        "aws:iam/role:Role",
        `audit-${WORKLOAD}-role`,
        {
            name: "SecurityAuditRole",
            path: "/org-access/",
            maxSessionDuration: 3600,
            assumeRolePolicy: json({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "HumansWithMfa",
                        Effect: "Allow",
                        Principal: { AWS: humans },
                        Action: "sts:AssumeRole",
                        Condition: {
                            Bool: { "aws:MultiFactorAuthPresent": "true" },
                            NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                        },
                    },
                    {
                        Sid: "ReporterScanner",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${SECURITY}:user/scanner` },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: { "sts:ExternalId": "org-access-scanner-5f2c" },
                        },
                    },
                ],
            }),
        },
        component,
    );
    const roleName = "SecurityAuditRole";
    add(
        WORKLOAD,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        `audit-${WORKLOAD}-securityaudit`,
        { role: roleName, policyArn: "arn:aws:iam::aws:policy/SecurityAudit" },
        component,
    );
    add(
        WORKLOAD,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        `audit-${WORKLOAD}-readonly`,
        { role: roleName, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
        component,
    );
    add(
        WORKLOAD,
        "aws:iam/rolePolicy:RolePolicy",
        `audit-${WORKLOAD}-deny`,
        {
            role: roleName,
            policy: json({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyIamWrites",
                        Effect: "Deny",
                        Action: [
                            "iam:Create*",
                            "iam:Delete*",
                            "iam:Put*",
                            "iam:Attach*",
                            "iam:Detach*",
                            "iam:Update*",
                            "iam:Add*",
                            "iam:Remove*",
                            "iam:PassRole",
                        ],
                        Resource: "*",
                    },
                    {
                        Sid: "DenyDataReads",
                        Effect: "Deny",
                        Action: [
                            "s3:GetObject",
                            "secretsmanager:GetSecretValue",
                            "ssm:GetParameter*",
                            "kms:Decrypt",
                            "dynamodb:GetItem",
                            "dynamodb:BatchGetItem",
                            "dynamodb:Query",
                            "dynamodb:Scan",
                            "cloudshell:*",
                        ],
                        Resource: "*",
                    },
                ],
            }),
        },
        component,
    );

    // Security account: users, groups, password policy.
    for (const u of ["alice", "bob"]) {
        add(SECURITY, "aws:iam/user:User", u, {
            name: u,
            path: "/org-access/",
            tags: { "org-access:principal-type": "human" },
        });
        add(SECURITY, "aws:iam/userLoginProfile:UserLoginProfile", `${u}-login`, {
            user: u,
            passwordResetRequired: true,
        });
    }
    add(SECURITY, "aws:iam/user:User", "scanner", {
        name: "scanner",
        path: "/org-access/",
        tags: { "org-access:principal-type": "reporter" },
    });
    add(SECURITY, "aws:iam/accessKey:AccessKey", "scanner-key", { user: "scanner" });
    add(SECURITY, "aws:iam/group:Group", "humans", { name: "org-access-humans" });
    add(SECURITY, "aws:iam/group:Group", "reporters", { name: "org-access-reporters" });
    add(SECURITY, "aws:iam/groupMembership:GroupMembership", "humans-members", {
        group: "org-access-humans",
        users: ["alice", "bob"],
    });
    const auditRoles = [`arn:aws:iam::${WORKLOAD}:role/org-access/SecurityAuditRole`];
    add(SECURITY, "aws:iam/groupPolicy:GroupPolicy", "humans-assume", {
        group: "org-access-humans",
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AssumeAuditRolesWithMfa",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: auditRoles,
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                },
            ],
        }),
    });
    add(SECURITY, "aws:iam/groupPolicy:GroupPolicy", "reporters-assume", {
        group: "org-access-reporters",
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AssumeAuditRoles",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: auditRoles,
                },
            ],
        }),
    });
    // The AWS-documented self-service MFA policy.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_mfa-selfmanage.html
    add(SECURITY, "aws:iam/groupPolicy:GroupPolicy", "humans-self-service-mfa", {
        group: "org-access-humans",
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowViewAccountInfo",
                    Effect: "Allow",
                    Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                    Resource: "*",
                },
                {
                    Sid: "AllowManageOwnPasswords",
                    Effect: "Allow",
                    Action: ["iam:ChangePassword", "iam:GetUser"],
                    Resource: "arn:aws:iam::*:user/${aws:username}",
                },
                {
                    Sid: "AllowManageOwnVirtualMFADevice",
                    Effect: "Allow",
                    Action: ["iam:CreateVirtualMFADevice"],
                    Resource: "arn:aws:iam::*:mfa/*",
                },
                {
                    Sid: "AllowManageOwnUserMFA",
                    Effect: "Allow",
                    Action: [
                        "iam:DeactivateMFADevice",
                        "iam:EnableMFADevice",
                        "iam:ListMFADevices",
                        "iam:ResyncMFADevice",
                    ],
                    Resource: "arn:aws:iam::*:user/${aws:username}",
                },
                {
                    Sid: "DenyAllExceptListedIfNoMFA",
                    Effect: "Deny",
                    NotAction: [
                        "iam:CreateVirtualMFADevice",
                        "iam:EnableMFADevice",
                        "iam:GetUser",
                        "iam:ChangePassword",
                        "iam:ListMFADevices",
                        "iam:ListVirtualMFADevices",
                        "iam:ResyncMFADevice",
                        "sts:GetSessionToken",
                    ],
                    Resource: "*",
                    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
                },
            ],
        }),
    });
    add(SECURITY, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "password-policy", {
        minimumPasswordLength: 14,
        requireSymbols: true,
        passwordReusePrevention: 24,
        maxPasswordAge: 90,
    });

    // Management account: organization trail with CloudWatch Logs delivery.
    add(MANAGEMENT, "aws:cloudwatch/logGroup:LogGroup", "trail-logs", {
        name: "/org-access/cloudtrail",
        retentionInDays: 365,
    });
    add(MANAGEMENT, "aws:iam/role:Role", "trail-cloudwatch-role", {
        name: "org-access-trail-cloudwatch",
        assumeRolePolicy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
                },
            ],
        }),
    });
    add(MANAGEMENT, "aws:iam/rolePolicy:RolePolicy", "trail-cloudwatch-write", {
        role: "org-access-trail-cloudwatch",
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `arn:aws:logs:us-east-1:${MANAGEMENT}:log-group:/org-access/cloudtrail:*`,
                },
            ],
        }),
    });
    add(MANAGEMENT, "aws:cloudtrail/trail:Trail", "org-trail", {
        name: "org-access",
        s3BucketName: BUCKET,
        isMultiRegionTrail: true,
        isOrganizationTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        kmsKeyId: `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/0b1c2d3e`,
        cloudWatchLogsGroupArn: `arn:aws:logs:us-east-1:${MANAGEMENT}:log-group:/org-access/cloudtrail:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${MANAGEMENT}:role/org-access-trail-cloudwatch`,
    });

    // Log-archive account: bucket and key.
    add(LOG_ARCHIVE, "aws:s3/bucket:Bucket", "trail-bucket", {
        bucket: BUCKET,
        forceDestroy: false,
    });
    add(LOG_ARCHIVE, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "trail-bucket-pab", {
        bucket: BUCKET,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    });
    add(LOG_ARCHIVE, "aws:s3/bucketVersioning:BucketVersioning", "trail-bucket-versioning", {
        bucket: BUCKET,
        versioningConfiguration: { status: "Enabled" },
    });
    add(LOG_ARCHIVE, "aws:s3/bucketPolicy:BucketPolicy", "trail-bucket-policy", {
        bucket: BUCKET,
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
                {
                    Sid: "CloudTrailAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "s3:GetBucketAcl",
                    Resource: `arn:aws:s3:::${BUCKET}`,
                    Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
                },
                {
                    Sid: "CloudTrailWrite",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`,
                    Condition: {
                        StringEquals: {
                            "aws:SourceArn": TRAIL_ARN,
                            "s3:x-amz-acl": "bucket-owner-full-control",
                        },
                    },
                },
            ],
        }),
    });
    add(LOG_ARCHIVE, "aws:kms/key:Key", "trail-key", {
        enableKeyRotation: true,
        policy: json({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountRoot",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${LOG_ARCHIVE}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "CloudTrailEncrypt",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "kms:GenerateDataKey*",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:SourceArn": TRAIL_ARN },
                        StringLike: {
                            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${MANAGEMENT}:trail/*`,
                        },
                    },
                },
            ],
        }),
    });
    return out;
}
