import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../config/errors";

/** A program that may assume the role when it presents its ExternalId. */
export interface ProgrammaticPrincipal {
    /** Exact IAM user or role ARN in the trusted account. */
    readonly arn: string;
    /** The exact `sts:ExternalId` it must present. */
    readonly externalId: string;
}

export type AuditManagedPolicy = "SecurityAudit" | "ReadOnlyAccess" | "ViewOnlyAccess";

/** Paths of the AWS-managed read policies: ViewOnlyAccess is a job-function policy. */
const MANAGED_POLICY_PATHS: Record<AuditManagedPolicy, string> = {
    SecurityAudit: "/",
    ReadOnlyAccess: "/",
    ViewOnlyAccess: "/job-function/",
};

export function managedPolicyArn(partition: string, policy: AuditManagedPolicy): string {
    return `arn:${partition}:iam::aws:policy${MANAGED_POLICY_PATHS[policy]}${policy}`;
}

export interface AuditRoleArgs {
    /** Account whose designated principals may assume this role (the security account). */
    readonly trustedAccountId: string;
    /** Exact ARNs of the humans who may assume the role; they must use MFA. */
    readonly humanPrincipalArns: pulumi.Input<readonly string[]>;
    /** Programs that may assume the role with their ExternalId. */
    readonly programmaticPrincipals: pulumi.Input<readonly ProgrammaticPrincipal[]>;
    /** Role name. Default `SecurityAuditRole`. */
    readonly roleName?: string;
    /** IAM path of the role. Default `/`. */
    readonly path?: string;
    /** Oldest MFA sign-in a human may use, in seconds. Default 3600. */
    readonly mfaMaxAgeSeconds?: number;
    /** AWS-managed read policies to attach. Default SecurityAudit and ReadOnlyAccess. */
    readonly managedPolicies?: readonly AuditManagedPolicy[];
    /** AWS partition of the target account. Default `aws`. */
    readonly partition?: string;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

/**
 * IAM's floor and our ceiling at once: CreateRole accepts 3600-43200 for MaxSessionDuration,
 * and audit sessions last one hour at most, so the cap is exactly one hour.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export const AUDIT_MAX_SESSION_SECONDS = 3600;

/** Every IAM write: the audit role can read IAM but never change it, nor pass a role. */
export const IAM_WRITE_ACTIONS = [
    "iam:Add*",
    "iam:Attach*",
    "iam:Change*",
    "iam:Create*",
    "iam:Deactivate*",
    "iam:Delete*",
    "iam:Detach*",
    "iam:Disable*",
    "iam:Enable*",
    "iam:PassRole",
    "iam:Put*",
    "iam:Remove*",
    "iam:Reset*",
    "iam:Resync*",
    "iam:Set*",
    "iam:Tag*",
    "iam:Untag*",
    "iam:Update*",
    "iam:Upload*",
];

/** Reads of data rather than configuration, which ReadOnlyAccess would otherwise allow. */
export const DATA_READ_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "s3-object-lambda:GetObject",
    "s3-object-lambda:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:GetRecords",
    "dynamodb:PartiQLSelect",
    "kinesis:GetRecords",
    "sqs:ReceiveMessage",
    // Function code, instance passwords and container layers are data too.
    "lambda:GetFunction",
    "ec2:GetPasswordData",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
];

/** CloudShell would give the role's session a shell with its credentials and a home directory. */
export const CLOUDSHELL_ACTIONS = ["cloudshell:*"];

const PRINCIPAL_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}):(user|role)\/([\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Checks the principals against the trusted account; returns every problem found. */
export function trustProblems(
    trustedAccountId: string,
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
): string[] {
    const problems: string[] = [];
    const check = (arn: string, what: string) => {
        const m = PRINCIPAL_ARN.exec(arn);
        if (!m)
            problems.push(
                `${what} "${arn}" is not an exact IAM user or role ARN (wildcards are never trusted)`,
            );
        else if (m[2] !== trustedAccountId)
            problems.push(`${what} "${arn}" is not in the trusted account ${trustedAccountId}`);
    };
    humans.forEach((arn, i) => check(arn, `human principal [${i}]`));
    programs.forEach((p, i) => {
        check(p.arn, `programmatic principal [${i}]`);
        if (typeof p.externalId !== "string" || !EXTERNAL_ID.test(p.externalId)) {
            problems.push(
                `programmatic principal [${i}] (${p.arn}) needs an ExternalId of 2-1224 characters from [\\w+=,.@:/-]`,
            );
        }
    });
    if (humans.length + programs.length === 0)
        problems.push("no designated principal: nobody could assume the role");
    return problems;
}

/**
 * The trust policy: humans only with MFA that is present and recent, programs only with their
 * exact ExternalId, and nobody else. `Bool` (not `BoolIfExists`) matters: with IfExists, a request
 * that carries no MFA key at all, such as one signed with long-term access keys, would pass.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export function auditTrustPolicy(
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
    mfaMaxAgeSeconds: number,
): aws.iam.PolicyDocument {
    const statements: aws.iam.PolicyStatement[] = [];
    if (humans.length > 0) {
        statements.push({
            Sid: "HumansWithMfa",
            Effect: "Allow",
            Principal: { AWS: [...humans] },
            Action: "sts:AssumeRole",
            Condition: {
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": String(mfaMaxAgeSeconds) },
            },
        });
    }
    programs.forEach((p, i) => {
        statements.push({
            Sid: `ProgramWithExternalId${i}`,
            Effect: "Allow",
            Principal: { AWS: p.arn },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": p.externalId } },
        });
    });
    return { Version: "2012-10-17", Statement: statements };
}

/** The explicit Deny that no attached read policy can override. */
export function auditDenyPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "DenyIamWrites", Effect: "Deny", Action: IAM_WRITE_ACTIONS, Resource: "*" },
            { Sid: "DenyDataReads", Effect: "Deny", Action: DATA_READ_ACTIONS, Resource: "*" },
            { Sid: "DenyCloudShell", Effect: "Deny", Action: CLOUDSHELL_ACTIONS, Resource: "*" },
        ],
    };
}

/**
 * A read-only audit role in a workload account. Only the security account's designated principals
 * can assume it, for one hour at most, and an explicit Deny keeps it away from IAM writes, data
 * and CloudShell.
 */
export class AuditRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly denyPolicy: aws.iam.RolePolicy;
    public readonly attachments: aws.iam.RolePolicyAttachment[];

    constructor(name: string, args: AuditRoleArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(`AuditRole ${name}: a provider for the target account is required`);
        super("org-access:access:AuditRole", name, {}, opts);
        const partition = args.partition ?? "aws";
        const mfaMaxAge = args.mfaMaxAgeSeconds ?? 3600;
        const managed = args.managedPolicies ?? ["SecurityAudit", "ReadOnlyAccess"];
        if (managed.length === 0)
            throw new Error(`AuditRole ${name}: at least one managed read policy is required`);

        const trust = pulumi
            .all([args.humanPrincipalArns, args.programmaticPrincipals])
            .apply(([humans, programs]) => {
                const problems = trustProblems(args.trustedAccountId, humans, programs);
                if (problems.length > 0)
                    throw new InputError(
                        `AuditRole ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
                    );
                return JSON.stringify(auditTrustPolicy(humans, programs, mfaMaxAge));
            });

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName ?? "SecurityAuditRole",
                path: args.path ?? "/",
                description: `Read-only audit access for designated principals of account ${args.trustedAccountId}`,
                assumeRolePolicy: trust,
                maxSessionDuration: AUDIT_MAX_SESSION_SECONDS,
                forceDetachPolicies: true,
                tags: args.tags,
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;

        this.attachments = managed.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy.toLowerCase()}`,
                    { role: this.role.name, policyArn: managedPolicyArn(partition, policy) },
                    { parent: this },
                ),
        );
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
            denyPolicy: this.denyPolicy,
            attachments: this.attachments,
        });
    }
}
