// within-iam-quotas: every IAM document and count the stack plans fits AWS's quotas, counted as
// AWS counts them, so a deployment never stops halfway on a LimitExceeded.
//
// Both stack kinds carry it: each plan checks the resources it creates itself (the workload stack
// its roles and the StackSet template's roles, the security stack its users, groups, roles and the
// organization's SCPs and RCPs).
//
// IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
//   role trust policy 2,048 characters (raisable to 4,096); inline policies in total per role
//   10,240, per group 5,120, per user 2,048; a managed policy 6,144; managed policies attached per
//   role and per user 10 (raisable to 20), per group 10. "IAM does not count white space when
//   calculating the size of a policy against these limitations."
// Organizations: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
//   an SCP or an RCP 5,120 characters, white space included (only the console strips it); 5 SCPs
//   attached to one root, OU or account, and the FullAWSAccess AWS attaches to every one of them
//   takes one of the five unless someone detached it.
import {
    policyCharacters,
    ROLE_INLINE_POLICY_QUOTA,
    TRUST_POLICY_DEFAULT_CHARS,
} from "../../components/auditRole";
import { ORGANIZATION_POLICY_TYPES, OrganizationPolicyType } from "../../components/guardrails";
import { IAM_QUOTA_LIMITS, IamQuotas } from "../../config/schema";
import {
    groupDocuments,
    ModelResource,
    physicalName,
    roleDocuments,
    str,
    userDocuments,
} from "../../policypack/model/resources";
import { ofType } from "../../policypack/model/references";
import { T } from "../../policypack/policies/types";
import { arn } from "../../policypack/iam/arn";
import type { Counterexample, Proof } from "./types";

/** IAM's fixed quotas, in characters without whitespace or in attachments. */
export const GROUP_INLINE_POLICY_QUOTA = 5120;
export const USER_INLINE_POLICY_QUOTA = 2048;
export const MANAGED_POLICY_QUOTA = 6144;
export const MANAGED_POLICIES_PER_GROUP = 10;
/** SCPs attached to one root, OU or account, FullAWSAccess included. */
export const SCPS_PER_TARGET = 5;
/** The id of the AWS-managed FullAWSAccess SCP, the same in every organization. */
export const FULL_AWS_ACCESS_ID = "p-FullAWSAccess";
/**
 * RCPs attached to one root, OU or account, RCPFullAWSAccess included (attached wherever RCPs are
 * enabled, and not detachable).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 */
export const RCPS_PER_TARGET = 5;
/** The id of the AWS-managed RCPFullAWSAccess RCP. */
export const RCP_FULL_AWS_ACCESS_ID = "p-RCPFullAWSAccess";

/** The quotas a plan is held to: the stack's `iamQuotas` output, else IAM's defaults. */
export function quotasOf(outputs: Readonly<Record<string, unknown>>): IamQuotas {
    const given = (outputs.iamQuotas ?? {}) as Partial<IamQuotas>;
    return {
        roleTrustPolicyLength:
            given.roleTrustPolicyLength ?? IAM_QUOTA_LIMITS.roleTrustPolicyLength.default,
        managedPoliciesPerRole:
            given.managedPoliciesPerRole ?? IAM_QUOTA_LIMITS.managedPoliciesPerRole.default,
        managedPoliciesPerUser:
            given.managedPoliciesPerUser ?? IAM_QUOTA_LIMITS.managedPoliciesPerUser.default,
    };
}

/** One measured thing: what it is, what counts against the quota, and the quota. */
interface Measure {
    readonly principal: string;
    readonly quota: string;
    readonly resource: string;
    readonly value: number;
    readonly limit: number;
    /** What value and limit count, e.g. `characters, white space excluded`. */
    readonly unit: string;
    /** The documents or attachments counted. */
    readonly counted: readonly string[];
    readonly fix: string;
}

const iamArn = (
    partition: string,
    account: string | undefined,
    kind: string,
    path: string,
    name: string,
) => arn(partition, "iam", "", account ?? "", `${kind}${path}${name}`);

/** Managed-policy ARNs that `aws.iam.PolicyAttachment` resources attach to an entity. */
function policyAttachments(
    resources: readonly ModelResource[],
    account: string | undefined,
    list: "roles" | "users" | "groups",
    name: string,
): string[] {
    return ofType(resources, T.PolicyAttachment)
        .filter(
            (a) =>
                a.accountId === account &&
                Array.isArray(a.props[list]) &&
                (a.props[list] as unknown[]).includes(name),
        )
        .map((a) => str(a.props.policyArn) ?? "");
}

function namedTotal(docs: readonly { name: string; document: unknown }[]): number {
    return docs.reduce((n, d) => n + policyCharacters(d.document), 0);
}

function roleMeasures(
    resources: readonly ModelResource[],
    partition: string,
    q: IamQuotas,
): Measure[] {
    const out: Measure[] = [];
    for (const r of ofType(resources, T.Role)) {
        const name = physicalName(r);
        const arn = iamArn(partition, r.accountId, "role", str(r.props.path) ?? "/", name);
        const docs = roleDocuments(resources, r);
        const attached = [
            ...new Set([
                ...docs.attachedArns,
                ...policyAttachments(resources, r.accountId, "roles", name),
            ]),
        ];
        out.push(...entityMeasures(arn, arn, docs.trust, docs.inline, attached, q));
    }
    return out;
}

/** The three measures of a role, planned directly or in a StackSet's template. */
function entityMeasures(
    principal: string,
    resource: string,
    trust: unknown,
    inline: readonly { name: string; document: unknown }[],
    attached: readonly string[],
    q: IamQuotas,
): Measure[] {
    return [
        {
            principal,
            quota: "role trust policy length",
            resource,
            value: trust === undefined ? 0 : policyCharacters(trust),
            limit: q.roleTrustPolicyLength,
            unit: "characters, white space excluded",
            counted: ["trust policy"],
            fix:
                q.roleTrustPolicyLength < IAM_QUOTA_LIMITS.roleTrustPolicyLength.max
                    ? `trust fewer principals, or raise the quota (Service Quotas, IAM "Role trust policy length", at most ${IAM_QUOTA_LIMITS.roleTrustPolicyLength.max}) in every account and set org-access:iamQuotas.roleTrustPolicyLength`
                    : "trust fewer principals, CIDR blocks or endpoints",
        },
        {
            principal,
            quota: "inline policies per role",
            resource,
            value: namedTotal(inline),
            limit: ROLE_INLINE_POLICY_QUOTA,
            unit: "characters, white space excluded",
            counted: inline.map((p) => `inline policy ${p.name}`),
            fix: "move statements to a managed policy or shorten the inline ones",
        },
        {
            principal,
            quota: "managed policies per role",
            resource,
            value: attached.length,
            limit: q.managedPoliciesPerRole,
            unit: "managed policies",
            counted: attached,
            fix: `attach fewer managed policies, or raise the quota (at most ${IAM_QUOTA_LIMITS.managedPoliciesPerRole.max}) in every account and set org-access:iamQuotas.managedPoliciesPerRole`,
        },
    ];
}

interface TemplateResource {
    readonly Type?: string;
    readonly Properties?: Record<string, unknown>;
}

/** Roles and managed policies of every StackSet's template, deployed in each of its accounts. */
function stackSetMeasures(resources: readonly ModelResource[], q: IamQuotas): Measure[] {
    const out: Measure[] = [];
    for (const set of ofType(resources, T.StackSet)) {
        if (typeof set.props.templateBody !== "string") continue;
        const body = JSON.parse(set.props.templateBody) as {
            Resources?: Record<string, TemplateResource>;
        };
        const where = `StackSet ${physicalName(set)}`;
        for (const [logicalId, res] of Object.entries(body.Resources ?? {})) {
            const p = res.Properties ?? {};
            if (res.Type === "AWS::IAM::Role") {
                const name = str(p.RoleName) ?? logicalId;
                const label = `${where} role ${name} (in every account of the StackSet)`;
                const inline = (
                    Array.isArray(p.Policies)
                        ? (p.Policies as { PolicyName?: string; PolicyDocument?: unknown }[])
                        : []
                ).map((i) => ({ name: i.PolicyName ?? "?", document: i.PolicyDocument }));
                const attached = Array.isArray(p.ManagedPolicyArns)
                    ? [...new Set(p.ManagedPolicyArns as string[])]
                    : [];
                out.push(
                    ...entityMeasures(
                        label,
                        label,
                        p.AssumeRolePolicyDocument,
                        inline,
                        attached,
                        q,
                    ),
                );
            } else if (res.Type === "AWS::IAM::ManagedPolicy" && p.PolicyDocument !== undefined) {
                const label = `${where} managed policy ${str(p.ManagedPolicyName) ?? logicalId}`;
                out.push(managedMeasure(label, p.PolicyDocument));
            }
        }
    }
    return out;
}

function managedMeasure(label: string, document: unknown): Measure {
    return {
        principal: label,
        quota: "managed policy length",
        resource: label,
        value: policyCharacters(document),
        limit: MANAGED_POLICY_QUOTA,
        unit: "characters, white space excluded",
        counted: ["policy document"],
        fix: "split the policy in two",
    };
}

function userAndGroupMeasures(
    resources: readonly ModelResource[],
    partition: string,
    q: IamQuotas,
): Measure[] {
    const out: Measure[] = [];
    const groups = groupDocuments(resources);
    for (const u of ofType(resources, T.User)) {
        const name = physicalName(u);
        const arn = iamArn(partition, u.accountId, "user", str(u.props.path) ?? "/", name);
        const inline = userDocuments(resources, u, groups).inline;
        const attached = [
            ...new Set([
                ...ofType(resources, T.UserPolicyAttachment)
                    .filter((a) => a.accountId === u.accountId && a.props.user === name)
                    .map((a) => str(a.props.policyArn) ?? ""),
                ...policyAttachments(resources, u.accountId, "users", name),
            ]),
        ];
        out.push(
            {
                principal: arn,
                quota: "inline policies per user",
                resource: arn,
                value: namedTotal(inline),
                limit: USER_INLINE_POLICY_QUOTA,
                unit: "characters, white space excluded",
                counted: inline.map((p) => `inline policy ${p.name}`),
                fix: "give the user's permissions through a group or a managed policy",
            },
            {
                principal: arn,
                quota: "managed policies per user",
                resource: arn,
                value: attached.length,
                limit: q.managedPoliciesPerUser,
                unit: "managed policies",
                counted: attached,
                fix: `attach fewer managed policies, or raise the quota (at most ${IAM_QUOTA_LIMITS.managedPoliciesPerUser.max}) and set org-access:iamQuotas.managedPoliciesPerUser`,
            },
        );
    }
    // Groups: every group the plan gives a policy, inline or attached.
    const names = new Map<string, { account?: string; name: string }>();
    const note = (account: string | undefined, name: string | undefined) => {
        if (name) names.set(`${account}/${name}`, { account, name });
    };
    for (const p of ofType(resources, T.GroupPolicy)) note(p.accountId, str(p.props.group));
    for (const a of ofType(resources, T.GroupPolicyAttachment))
        note(a.accountId, str(a.props.group));
    for (const a of ofType(resources, T.PolicyAttachment))
        for (const g of Array.isArray(a.props.groups) ? (a.props.groups as string[]) : [])
            note(a.accountId, g);
    for (const [key, { account, name }] of names) {
        const arn = iamArn(partition, account, "group", "/", name);
        const inline = groups.get(key) ?? [];
        const attached = [
            ...new Set([
                ...ofType(resources, T.GroupPolicyAttachment)
                    .filter((a) => a.accountId === account && a.props.group === name)
                    .map((a) => str(a.props.policyArn) ?? ""),
                ...policyAttachments(resources, account, "groups", name),
            ]),
        ];
        out.push(
            {
                principal: arn,
                quota: "inline policies per group",
                resource: arn,
                value: namedTotal(inline),
                limit: GROUP_INLINE_POLICY_QUOTA,
                unit: "characters, white space excluded",
                counted: inline.map((p) => `inline policy ${p.name}`),
                fix: "move statements to a managed policy attached to the group",
            },
            {
                principal: arn,
                quota: "managed policies per group",
                resource: arn,
                value: attached.length,
                limit: MANAGED_POLICIES_PER_GROUP,
                unit: "managed policies",
                counted: attached,
                fix: "attach fewer managed policies (IAM does not raise this quota)",
            },
        );
    }
    return out;
}

function organizationMeasures(resources: readonly ModelResource[]): Measure[] {
    const out: Measure[] = [];
    const policies = ofType(resources, T.OrganizationsPolicy);
    const scpIds = new Set<string>([FULL_AWS_ACCESS_ID]);
    const rcpIds = new Set<string>([RCP_FULL_AWS_ACCESS_ID]);
    for (const p of policies) {
        const type = (str(p.props.type) ?? "SERVICE_CONTROL_POLICY") as OrganizationPolicyType;
        const kind = ORGANIZATION_POLICY_TYPES[type];
        if (!kind) continue;
        if (type === "SERVICE_CONTROL_POLICY" && p.id) scpIds.add(p.id);
        if (type === "RESOURCE_CONTROL_POLICY" && p.id) rcpIds.add(p.id);
        const content = typeof p.props.content === "string" ? p.props.content : "";
        const label = `${kind.abbreviation} ${physicalName(p)}`;
        out.push({
            principal: label,
            quota: `${kind.abbreviation} length`,
            resource: label,
            // Organizations counts every character of the content it is given, white space too.
            value: content.length,
            limit: kind.maxCharacters,
            unit: "characters, white space included",
            counted: ["policy content"],
            fix: "split the policy or shorten it (components/guardrails.ts)",
        });
    }
    const perTarget = [
        {
            ids: scpIds,
            fullAccess: FULL_AWS_ACCESS_ID,
            fullName: "FullAWSAccess",
            abbreviation: "SCP",
            limit: SCPS_PER_TARGET,
        },
        {
            ids: rcpIds,
            fullAccess: RCP_FULL_AWS_ACCESS_ID,
            fullName: "RCPFullAWSAccess",
            abbreviation: "RCP",
            limit: RCPS_PER_TARGET,
        },
    ];
    for (const kind of perTarget) {
        const byTarget = new Map<string, string[]>();
        for (const a of ofType(resources, T.OrganizationsPolicyAttachment)) {
            const policy = String(a.props.policyId);
            if (!kind.ids.has(policy)) continue;
            const target = String(a.props.targetId);
            byTarget.set(target, [...(byTarget.get(target) ?? []), policy]);
        }
        for (const [target, attached] of byTarget) {
            const names = attached.map(
                (id) => policies.find((p) => p.id === id)?.props.name ?? id,
            ) as string[];
            // The AWS-managed full-access policy stays attached unless the plan itself attaches
            // it (then it is counted once).
            const counted = attached.includes(kind.fullAccess)
                ? names
                : [...names, `${kind.fullName} (attached by AWS)`];
            out.push({
                principal: `target ${target}`,
                quota: `${kind.abbreviation}s per target`,
                resource: target,
                value: counted.length,
                limit: kind.limit,
                unit: `${kind.abbreviation}s`,
                counted,
                fix: `merge ${kind.abbreviation}s, or attach some to an OU above the target instead`,
            });
        }
    }
    return out;
}

export const withinIamQuotas: Proof = {
    id: "within-iam-quotas",
    statement: "every IAM document and count the plan creates is within AWS's quotas",
    unit: "documents and counts",
    appliesTo: ["security", "workload"],
    prove(input) {
        const q = quotasOf(input.outputs);
        const partition = input.model.partition;
        // Everything a role, user or group counts lives in its own account: measuring account by
        // account keeps a thousand-account plan linear.
        const byAccount = new Map<string | undefined, ModelResource[]>();
        for (const r of input.resources) {
            const list = byAccount.get(r.accountId) ?? [];
            list.push(r);
            byAccount.set(r.accountId, list);
        }
        const accounts = [...byAccount.values()];
        const measures = [
            ...accounts.flatMap((rs) => roleMeasures(rs, partition, q)),
            ...stackSetMeasures(input.resources, q),
            ...ofType(input.resources, T.Policy).map((p) =>
                managedMeasure(
                    iamArn(
                        partition,
                        p.accountId,
                        "policy",
                        str(p.props.path) ?? "/",
                        physicalName(p),
                    ),
                    p.props.policy,
                ),
            ),
            ...accounts.flatMap((rs) => userAndGroupMeasures(rs, partition, q)),
            ...organizationMeasures(input.resources),
        ];
        const counterexamples: Counterexample[] = measures
            .filter((m) => m.value > m.limit)
            .map((m) => ({
                principal: m.principal,
                path: [],
                action: m.quota,
                resource: m.resource,
                statements: m.counted,
                reason: `${m.quota} is ${m.value} ${m.unit}, more than AWS's quota of ${m.limit}: ${m.fix}`,
            }));
        return {
            checked: measures.length,
            counterexamples,
            assumptions: [
                `role trust policies ${q.roleTrustPolicyLength} characters${q.roleTrustPolicyLength > TRUST_POLICY_DEFAULT_CHARS ? " (raised, per org-access:iamQuotas)" : ""}, managed policies per role ${q.managedPoliciesPerRole} and per user ${q.managedPoliciesPerUser}: the quotas of every account of the stack`,
                "IAM sizes are counted without white space, as IAM counts them (components/auditRole.ts policyCharacters); SCP and RCP sizes with it, as Organizations counts content given through the API",
                "every target keeps the FullAWSAccess SCP AWS attaches by default (and, where RCPs are enabled, RCPFullAWSAccess), and no SCP or RCP attached outside the plan",
                "policies attached outside the plan (by hand, by other stacks) are not counted",
            ],
        };
    },
};
