import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../config/errors";
import { BREAK_GLASS_ROLE, INCIDENT_RESPONSE_ROLE } from "../config/schema";
import { trustProblems } from "./auditRole";

/** Both duty roles: sessions of one hour at most (also IAM's floor for MaxSessionDuration). */
export const DUTY_MAX_SESSION_SECONDS = 3600;
/** Responders must have signed in with MFA within the hour. */
export const INCIDENT_RESPONSE_MFA_MAX_AGE = 3600;
/** Break-glass needs a fresh MFA sign-in: within the last 15 minutes. */
export const BREAK_GLASS_MFA_MAX_AGE = 900;

/**
 * Only the named principals, with MFA present (`Bool`, so a request without the key fails) and
 * recent. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export function dutyTrustPolicy(
    principalArns: readonly string[],
    mfaMaxAgeSeconds: number,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DutyPrincipalsWithMfa",
                Effect: "Allow",
                Principal: { AWS: [...principalArns].sort() },
                Action: "sts:AssumeRole",
                Condition: {
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: { "aws:MultiFactorAuthAge": String(mfaMaxAgeSeconds) },
                },
            },
        ],
    };
}

/**
 * The tag that quarantines a role or user: the baseline SCP (components/guardrails.ts) denies every
 * request of a principal that carries it with the value "true", existing sessions included, and
 * only the duty roles and the deploy roles may set or remove it.
 */
export const QUARANTINE_TAG = "org-access-quarantine";

export function incidentResponsePolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "IsolateInstances",
                Effect: "Allow",
                Action: [
                    "autoscaling:DetachInstances",
                    "ec2:CreateSecurityGroup",
                    "ec2:ModifyNetworkInterfaceAttribute",
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                ],
                Resource: "*",
            },
            {
                Sid: "QuarantinePrincipals",
                Effect: "Allow",
                Action: ["iam:TagRole", "iam:TagUser"],
                Resource: "*",
                Condition: {
                    "ForAllValues:StringEquals": { "aws:TagKeys": [QUARANTINE_TAG] },
                    StringEquals: { [`aws:RequestTag/${QUARANTINE_TAG}`]: "true" },
                },
            },
            {
                Sid: "DisableAccessKeys",
                Effect: "Allow",
                Action: ["iam:ListAccessKeys", "iam:UpdateAccessKey"],
                Resource: "*",
            },
            {
                Sid: "SnapshotVolumes",
                Effect: "Allow",
                Action: ["ec2:CreateSnapshot", "ec2:CreateSnapshots"],
                Resource: "*",
            },
            {
                Sid: "TagWhatItCreates",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "ec2:CreateAction": [
                            "CreateSecurityGroup",
                            "CreateSnapshot",
                            "CreateSnapshots",
                        ],
                    },
                },
            },
        ],
    };
}

export interface DutyRoleArgs {
    /** Account whose principals may assume the role (the security account). */
    readonly trustedAccountId: string;
    /** Exact IAM user ARNs of the security account allowed to assume the role, with MFA. */
    readonly principalArns: pulumi.Input<readonly string[]>;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

/** The trust policy as JSON, refusing wildcards, foreign accounts and an empty list. */
function trust(
    kind: string,
    name: string,
    args: DutyRoleArgs,
    mfaMaxAge: number,
): pulumi.Output<string> {
    return pulumi.output(args.principalArns).apply((arns) => {
        const problems = trustProblems(args.trustedAccountId, arns, []);
        if (problems.length > 0)
            throw new InputError(
                `${kind} ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
            );
        return JSON.stringify(dutyTrustPolicy(arns, mfaMaxAge));
    });
}

function dutyRole(
    owner: pulumi.ComponentResource,
    name: string,
    roleName: string,
    description: string,
    assumeRolePolicy: pulumi.Output<string>,
    tags?: Record<string, string>,
): aws.iam.Role {
    return new aws.iam.Role(
        `${name}-role`,
        {
            name: roleName,
            path: "/",
            description,
            assumeRolePolicy,
            maxSessionDuration: DUTY_MAX_SESSION_SECONDS,
            forceDetachPolicies: true,
            tags,
        },
        { parent: owner },
    );
}

/** Limited write access for incident response: isolate, revoke, disable, snapshot. MFA, one hour. */
export class IncidentResponseRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly readPolicy: aws.iam.RolePolicyAttachment;
    public readonly responsePolicy: aws.iam.RolePolicy;

    constructor(name: string, args: DutyRoleArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(
                `IncidentResponseRole ${name}: a provider for the target account is required`,
            );
        super("org-access:access:IncidentResponseRole", name, {}, opts);
        const partition = args.partition ?? "aws";
        this.role = dutyRole(
            this,
            name,
            INCIDENT_RESPONSE_ROLE,
            `Incident response for the responders of account ${args.trustedAccountId}: isolate, revoke, disable, snapshot`,
            trust("IncidentResponseRole", name, args, INCIDENT_RESPONSE_MFA_MAX_AGE),
            args.tags,
        );
        this.roleArn = this.role.arn;
        this.readPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-securityaudit`,
            { role: this.role.name, policyArn: `arn:${partition}:iam::aws:policy/SecurityAudit` },
            { parent: this },
        );
        this.responsePolicy = new aws.iam.RolePolicy(
            `${name}-response`,
            {
                name: "org-access-incident-response",
                role: this.role.name,
                policy: JSON.stringify(incidentResponsePolicy()),
            },
            { parent: this },
        );
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            readPolicy: this.readPolicy,
            responsePolicy: this.responsePolicy,
        });
    }
}

/**
 * Administrator access for emergencies only: the break-glass group's users alone may assume it,
 * with a fresh MFA sign-in, for one hour; every AssumeRole of it raises an alarm (Detection), and
 * the policy pack accepts it by name through its `breakGlassRoles` config.
 */
export class BreakGlassRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly adminPolicy: aws.iam.RolePolicyAttachment;

    constructor(name: string, args: DutyRoleArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(
                `BreakGlassRole ${name}: a provider for the target account is required`,
            );
        super("org-access:access:BreakGlassRole", name, {}, opts);
        const partition = args.partition ?? "aws";
        this.role = dutyRole(
            this,
            name,
            BREAK_GLASS_ROLE,
            `Break-glass administrator access for the break-glass group of account ${args.trustedAccountId}; always alarmed`,
            trust("BreakGlassRole", name, args, BREAK_GLASS_MFA_MAX_AGE),
            { ...args.tags, Duty: "break-glass" },
        );
        this.roleArn = this.role.arn;
        this.adminPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-admin`,
            {
                role: this.role.name,
                policyArn: `arn:${partition}:iam::aws:policy/AdministratorAccess`,
            },
            { parent: this },
        );
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            adminPolicy: this.adminPolicy,
        });
    }
}
