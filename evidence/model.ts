// The access model the evidence simulator evaluates: every role the program creates with its
// trust policy and identity policies, every security-account principal with the policies of its
// groups, and the service control policies. Built from the offline plan's resources, read in the
// neutral shape a stack policy shares (policypack/model/resources.ts), so what is simulated is
// exactly what would be deployed and the facts about principals are derived once.
import { partitionOf } from "../config";
import { parsePolicyDocument, PolicyDocument } from "../policypack/iam";
import { arn, iamRoleArn, iamUserArn } from "../policypack/iam/arn";
import auditManaged from "../policypack/iam/data/audit-managed-policies.json";
import {
    groupDocuments,
    ModelResource,
    physicalName,
    roleDocuments,
    str,
    userDocuments,
} from "../policypack/model/resources";
import { namesOf, ofType, refersTo } from "../policypack/model/references";
import { durationSeconds, permissionSetHolders } from "../policypack/policies/permissionSets";
import { stackPrincipals } from "../policypack/model/principals";
import { generatedName, literalName } from "../policypack/policies/templates";
import { T } from "../policypack/policies/types";
import { PlanResult, toModelResource } from "../plan/run";
import { AUDIT_ROLE_STACK_SET_TYPE } from "../policypack/componentTypes";
import { TEMPLATE_DUTY_ROLES } from "../components/auditRoleStackSet";
import { DUTY_TAG, PRINCIPAL_TYPE_TAG } from "../components/principalTags";

/** A policy document with a name people recognise. */
export interface NamedDocument {
    readonly label: string;
    readonly doc: PolicyDocument;
}

export interface RoleModel {
    readonly accountId: string;
    readonly name: string;
    readonly arn: string;
    /** Pulumi type of the component that created the role, e.g. `org-access:access:AuditRole`. */
    readonly componentType?: string;
    readonly maxSessionDuration: number;
    readonly trust: PolicyDocument;
    readonly identity: readonly NamedDocument[];
    /** Managed policies the simulation has no document for; their grants are not simulated. */
    readonly unknownManaged: readonly string[];
    /**
     * For a role an IAM Identity Center permission set provisions: the Identity Store groups the
     * set is assigned to, in any account (evidence/proofs/sweep.ts tells audit sets by them).
     */
    readonly permissionSetGroups?: readonly string[];
}

export interface PrincipalModel {
    readonly arn: string;
    readonly accountId: string;
    readonly userName: string;
    readonly groups: readonly string[];
    readonly identity: readonly NamedDocument[];
    /** Attached managed policies whose document is not known (taken to be admin-equivalent). */
    readonly unknownManaged: readonly string[];
    /** The user's tags as planned: a request it signs carries them as aws:PrincipalTag/<key>. */
    readonly tags: Readonly<Record<string, string>>;
}

export interface ScpModel extends NamedDocument {
    /** Targets: account ids, OU ids or root ids. */
    readonly targets: readonly string[];
}

export interface AccessModel {
    readonly partition: string;
    /**
     * The organization (the security stack's `organizationId` output): a request to a resource of
     * an account of the program carries it as aws:ResourceOrgID.
     */
    readonly organizationId?: string;
    readonly securityAccountId?: string;
    readonly managementAccountId?: string;
    readonly roles: readonly RoleModel[];
    /** identityCenter.auditGroups (the security stack's output), when Identity Center is on. */
    readonly auditGroups?: readonly string[];
    /** Principals of the security stack, when it was planned. */
    readonly principals: readonly PrincipalModel[];
    readonly scps: readonly ScpModel[];
    /**
     * The resource control policies, when the plan creates any: they bind requests to resources
     * of the member accounts below their targets, whoever asks (evidence/simulate.ts rcpsFor).
     */
    readonly rcps?: readonly ScpModel[];
    /** Designated humans and programs, as the workload stack trusts them. */
    readonly trusted: {
        readonly humanArns: readonly string[];
        readonly reporters: readonly {
            name: string;
            arn: string;
            externalId: string;
            /** Where the program may call from, when its trust is pinned to networks. */
            sourceIps?: readonly string[];
            sourceVpces?: readonly string[];
        }[];
        readonly incidentResponderArns?: readonly string[];
        readonly breakGlassArns?: readonly string[];
    };
    /** The stack's region: every request carries it as aws:RequestedRegion. */
    readonly region: string;
}

const MANAGED = (auditManaged as { policies: Record<string, { arn: string; document: unknown }> })
    .policies;

/** The documents of the AWS-managed read policies, by ARN without the partition. */
function managedDocument(arn: string): NamedDocument | undefined {
    const m = /^arn:[\w-]+:iam::aws:policy\/(.+)$/.exec(arn);
    if (!m) return undefined;
    const name = m[1].split("/").pop() as string;
    const entry = MANAGED[name];
    if (!entry || entry.arn.replace(/^arn:aws:/, "") !== arn.replace(/^arn:[\w-]+:/, ""))
        return undefined;
    return { label: `AWS-managed ${name}`, doc: parsePolicyDocument(entry.document, "identity") };
}

/** The documents of the managed policies a role attaches, and those the simulation cannot know. */
function managedDocuments(arns: readonly string[]): {
    identity: NamedDocument[];
    unknownManaged: string[];
} {
    const identity: NamedDocument[] = [];
    const unknownManaged: string[] = [];
    for (const arn of arns) {
        const doc = managedDocument(arn);
        if (doc) identity.push(doc);
        else unknownManaged.push(arn);
    }
    return { identity, unknownManaged };
}

/** Account ids from a stack's `accounts` output ([{name, accountId}]). */
function accountIds(v: unknown): string[] {
    return Array.isArray(v)
        ? v.flatMap((a) =>
              a && typeof (a as { accountId?: unknown }).accountId === "string"
                  ? [(a as { accountId: string }).accountId]
                  : [],
          )
        : [];
}

function rolesOf(resources: readonly ModelResource[], partition: string): RoleModel[] {
    // The customer-managed policies the plan creates and a role attaches (the CI deploy
    // identity's deploy-role grant, components/ciIdentity.ts), resolved by the policy pack's one
    // reading of principals: their documents are known, not taken to be admin-equivalent.
    const resolved = new Map(
        stackPrincipals(resources)
            .filter((p) => p.policies.kind === "role")
            .map((p) => [p.resource, p.policies]),
    );
    return ofType(resources, T.Role)
        .filter((r) => r.accountId)
        .map((r) => {
            const accountId = r.accountId as string;
            const name = physicalName(r);
            const path = str(r.props.path) ?? "/";
            const docs = roleDocuments(resources, r);
            const aws = managedDocuments(docs.attachedArns);
            const identity = aws.identity;
            const held = resolved.get(r);
            const unknownManaged = aws.unknownManaged.filter((arn) => {
                const customer = held?.managed.find((m) => m.arn === arn);
                const doc = customer && held?.identity.find((p) => p.label === customer.label);
                if (doc) identity.push(doc);
                return !doc;
            });
            for (const p of docs.inline) {
                identity.push({
                    label: `inline policy ${p.name}`,
                    doc: parsePolicyDocument(p.document, "identity"),
                });
            }
            return {
                accountId,
                name,
                arn: iamRoleArn(partition, accountId, name, path),
                componentType: r.parent?.type,
                maxSessionDuration:
                    typeof r.props.maxSessionDuration === "number"
                        ? r.props.maxSessionDuration
                        : 3600,
                trust: parsePolicyDocument(docs.trust, "trust"),
                identity,
                unknownManaged,
            };
        });
}

/**
 * The component a template role stands for: a duty role of the AuditRoleStackSet's template (its
 * logical id with its literal RoleName, components/auditRoleStackSet.ts) is judged as the
 * provider-mode duty role it is built like, break-glass included; any other role, one without a
 * literal RoleName included, as the StackSet's own.
 */
function templateRoleType(
    carrierType: string | undefined,
    logicalId: string,
    roleName: string | undefined,
): string | undefined {
    if (carrierType !== AUDIT_ROLE_STACK_SET_TYPE || roleName === undefined) return carrierType;
    const duty = TEMPLATE_DUTY_ROLES.find(
        (d) => d.logicalId === logicalId && d.roleName === roleName,
    );
    return duty?.componentType ?? carrierType;
}

/**
 * Roles a CloudFormation StackSet deploys: every AWS::IAM::Role of its template, once for each
 * account the stack names (its `accounts` output), since the StackSet reaches them all.
 */
function stackSetRolesOf(
    resources: readonly ModelResource[],
    partition: string,
    accounts: readonly string[],
): RoleModel[] {
    const roles: RoleModel[] = [];
    for (const set of resources.filter((r) => r.type === T.StackSet)) {
        const body =
            typeof set.props.templateBody === "string"
                ? (JSON.parse(set.props.templateBody) as {
                      Resources?: Record<
                          string,
                          { Type?: string; Properties?: Record<string, unknown> }
                      >;
                  })
                : {};
        for (const [logicalId, res] of Object.entries(body.Resources ?? {})) {
            if (res.Type !== "AWS::IAM::Role" || !res.Properties) continue;
            const p = res.Properties;
            // Without a literal RoleName CloudFormation generates the name: never the logical id
            // (policypack/policies/templates.ts, literalName).
            const literal = literalName(p.RoleName);
            const name = literal ?? generatedName(logicalId);
            const { identity, unknownManaged } = managedDocuments(
                Array.isArray(p.ManagedPolicyArns) ? (p.ManagedPolicyArns as string[]) : [],
            );
            for (const inline of Array.isArray(p.Policies)
                ? (p.Policies as { PolicyName?: string; PolicyDocument?: unknown }[])
                : []) {
                identity.push({
                    label: `inline policy ${inline.PolicyName ?? "?"}`,
                    doc: parsePolicyDocument(inline.PolicyDocument, "identity"),
                });
            }
            for (const accountId of accounts) {
                roles.push({
                    accountId,
                    name,
                    arn: iamRoleArn(partition, accountId, name, str(p.Path) ?? "/"),
                    componentType: templateRoleType(set.parent?.type, logicalId, literal),
                    maxSessionDuration:
                        typeof p.MaxSessionDuration === "number" ? p.MaxSessionDuration : 3600,
                    trust: parsePolicyDocument(p.AssumeRolePolicyDocument, "trust"),
                    identity,
                    unknownManaged,
                });
            }
        }
    }
    return roles;
}

function principalsOf(resources: readonly ModelResource[], partition: string): PrincipalModel[] {
    const groups = groupDocuments(resources);
    // Every attachment kind (PolicyAttachment, User/GroupPolicyAttachment, the *Exclusive ones,
    // customer- and AWS-managed), resolved by the policy pack's one reading of principals.
    const resolved = new Map(
        stackPrincipals(resources)
            .filter((p) => p.policies.kind === "user")
            .map((p) => [p.resource, p.policies]),
    );
    return ofType(resources, T.User)
        .filter((u) => u.accountId)
        .map((u) => {
            const userName = physicalName(u);
            const accountId = u.accountId as string;
            const docs = userDocuments(resources, u, groups);
            const held = resolved.get(u);
            const inline = [
                ...docs.inline.map((p) => ({
                    label: `user ${userName} policy ${p.name}`,
                    doc: parsePolicyDocument(p.document, "identity"),
                })),
                ...docs.groupInline.map((p) => ({
                    label: `group ${p.group} policy ${p.name}`,
                    doc: parsePolicyDocument(p.document, "identity"),
                })),
            ];
            // The attached documents: what the pack resolves beyond the inline ones (parsed
            // documents are shared per text, so an inline one is recognised by identity).
            const seen = new Set(inline.map((p) => p.doc));
            return {
                arn: iamUserArn(partition, accountId, userName, str(u.props.path) ?? "/"),
                accountId,
                userName,
                groups: [...docs.groups],
                identity: [...inline, ...(held?.identity ?? []).filter((p) => !seen.has(p.doc))],
                unknownManaged: [...new Set(held?.unknown ?? [])],
                tags: stringTags(u.props.tags),
            };
        });
}

/** A resource's `tags` input, its string values only. */
function stringTags(v: unknown): Record<string, string> {
    if (!v || typeof v !== "object") return {};
    return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === "string",
        ),
    );
}

/**
 * The tags of a principal of the security account: as planned when the security stack was; else,
 * for a person the trusted principals designate, the tags the security stack gives that duty
 * (components/securityAccess.ts, dutyGroup.ts), and none for anyone else.
 */
export function principalTagsOf(model: AccessModel, arn: string): Record<string, string> {
    const planned = model.principals.find((p) => p.arn === arn);
    if (planned) return { ...planned.tags };
    const t = model.trusted;
    const duty = t.humanArns.includes(arn)
        ? "audit"
        : t.incidentResponderArns?.includes(arn)
          ? "incident-response"
          : t.breakGlassArns?.includes(arn)
            ? "break-glass"
            : undefined;
    return duty ? { [PRINCIPAL_TYPE_TAG]: "human", [DUTY_TAG]: duty } : {};
}

/**
 * What an sts:AssumeRole request by `callerArn` on a role of `roleAccountId` carries beyond the
 * caller's choices: the caller's tags as aws:PrincipalTag/<key> (an IAM user passes no session
 * tags to AssumeRole) and, for a role of an account of the program, the organization as
 * aws:ResourceOrgID.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 */
export function assumeRequestContext(
    model: AccessModel,
    callerArn: string,
    inOrganization: boolean,
): Record<string, string> {
    const tags = /:user\//.test(callerArn) ? principalTagsOf(model, callerArn) : {};
    return {
        ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
        ...(inOrganization && model.organizationId
            ? { "aws:ResourceOrgID": model.organizationId }
            : {}),
    };
}

function scpsOf(resources: readonly ModelResource[]): ScpModel[] {
    return organizationPoliciesOf(resources, "SERVICE_CONTROL_POLICY");
}

/**
 * The Organizations policies of one type with their targets: SCPs read as identity-side documents
 * (no Principal), RCPs as resource-side ones (Principal "*").
 */
function organizationPoliciesOf(
    resources: readonly ModelResource[],
    type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY",
): ScpModel[] {
    const scp = type === "SERVICE_CONTROL_POLICY";
    const policies = resources.filter(
        (r) =>
            r.type === T.OrganizationsPolicy &&
            (r.props.type === type || (scp && r.props.type === undefined)),
    );
    const attachments = resources.filter((r) => r.type === T.OrganizationsPolicyAttachment);
    return policies.map((p) => ({
        label: `${scp ? "SCP" : "RCP"} ${physicalName(p)}`,
        doc: parsePolicyDocument(p.props.content, scp ? "identity" : "resource"),
        targets: attachments
            .filter((a) => a.props.policyId === p.id)
            .map((a) => String(a.props.targetId)),
    }));
}

/**
 * aws:PrincipalOrgID of a request signed in `accountId`: the organization, for an account the
 * model knows to be in it (the security, management and log-archive accounts, and every account
 * a planned role or user lives in); nothing for any other.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export function principalOrgContext(
    model: AccessModel,
    accountId: string | undefined,
): Record<string, string> {
    if (!model.organizationId || !accountId) return {};
    const inside =
        accountId === model.securityAccountId ||
        accountId === model.managementAccountId ||
        model.roles.some((r) => r.accountId === accountId) ||
        model.principals.some((p) => p.accountId === accountId);
    return inside ? { "aws:PrincipalOrgID": model.organizationId } : {};
}

/**
 * Every role a stack's resources plan: its `aws.iam.Role`s and, for each StackSet, the roles of its
 * template once per account in `accounts`. The access graph (evidence/proofs/graph.ts) builds the
 * security stack's roles with it too, beside the workload stack's own.
 */
export function plannedRoles(
    resources: readonly ModelResource[],
    partition: string,
    accounts: readonly string[],
): RoleModel[] {
    return [...rolesOf(resources, partition), ...stackSetRolesOf(resources, partition, accounts)];
}

/** Account ids of a stack's `accounts` output ([{name, accountId}]). */
export { accountIds };

/**
 * Builds the model of one planned stack: its roles and SCPs, seen with the security stack's
 * principals and outputs when that stack was planned too (for the security stack itself, pass it
 * twice).
 */
/**
 * What a workload stack's model takes from the security stack's plan: its resources as the model
 * reads them and its principals (every user's documents resolved over the whole plan). The same
 * for every shard planned against one security plan, so read once per plan (and partition): a
 * worker planning ten-account shards of a 1,000-account organization read the security stack's
 * 1,200 resources again for each (docs/BENCHMARKS.md). A plan is not changed once made.
 */
const securityParts = new WeakMap<
    PlanResult,
    Map<string, { resources: ModelResource[]; principals: PrincipalModel[] }>
>();

function securityPart(
    plan: PlanResult,
    partition: string,
): { resources: ModelResource[]; principals: PrincipalModel[] } {
    let byPartition = securityParts.get(plan);
    if (!byPartition) securityParts.set(plan, (byPartition = new Map()));
    let part = byPartition.get(partition);
    if (!part) {
        const resources = plan.resources.map(toModelResource);
        part = { resources, principals: principalsOf(resources, partition) };
        byPartition.set(partition, part);
    }
    return part;
}

export function accessModel(plans: { stack: PlanResult; security?: PlanResult }): AccessModel {
    const partition = partitionOf(plans.stack.region);
    const outputs = { ...(plans.security?.outputs ?? {}), ...plans.stack.outputs };
    const trusted = (outputs.trustedPrincipals ?? {
        humanArns: [],
        reporters: [],
    }) as AccessModel["trusted"];
    const stack = plans.stack.resources.map(toModelResource);
    const identityCenter = outputs.identityCenter as
        { auditGroups?: readonly string[]; ssoRegion?: unknown } | undefined;
    const fromSecurity =
        plans.security === plans.stack
            ? undefined
            : plans.security && securityPart(plans.security, partition);
    const security = plans.security === plans.stack ? stack : fromSecurity?.resources;
    const scpSource = [...(security ?? []), ...(security === stack ? [] : stack)];
    return {
        partition,
        region: plans.stack.region,
        securityAccountId: str(outputs.securityAccountId),
        organizationId: str(outputs.organizationId),
        managementAccountId: str(outputs.managementAccountId),
        ...(identityCenter ? { auditGroups: identityCenter.auditGroups ?? [] } : {}),
        roles: [
            ...rolesOf(stack, partition),
            ...stackSetRolesOf(stack, partition, accountIds(outputs.accounts)),
            // The roles of the stack's own permission sets (the security stack's).
            ...permissionSetRolesOf(
                stack,
                partition,
                str(identityCenter?.ssoRegion) ?? plans.stack.region,
            ),
        ],
        principals: fromSecurity?.principals ?? principalsOf(security ?? [], partition),
        scps: scpsOf(scpSource),
        rcps: organizationPoliciesOf(scpSource, "RESOURCE_CONTROL_POLICY"),
        trusted,
    };
}

/** The Pulumi type of an Identity Center account assignment. */
const ACCOUNT_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment";

/**
 * The role a permission set provisions in an account: `AWSReservedSSO_<name>_<hash>` under
 * /aws-reserved/sso.amazonaws.com/, with the instance's region after it outside us-east-1, trusted
 * by the account's SAML provider `AWSSSO_<id>_DO_NOT_DELETE` for sts:AssumeRoleWithSAML.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html
 * (the service-linked role manages roles on that path with that prefix, and the SAML provider).
 * The hash and the provider's id are AWS's; the model writes a fixed stand-in for each, so its
 * ARNs are the same on every plan.
 */
export function permissionSetRoleArn(
    partition: string,
    accountId: string,
    permissionSetName: string,
    ssoRegion: string,
): string {
    return iamRoleArn(
        partition,
        accountId,
        `${PERMISSION_SET_ROLE_PREFIX}${permissionSetName}_${PERMISSION_SET_ROLE_HASH}`,
        permissionSetRolePath(ssoRegion),
    );
}

/** The name prefix of every role IAM Identity Center provisions for a permission set. */
export const PERMISSION_SET_ROLE_PREFIX = "AWSReservedSSO_";

/** The stand-in for the random suffix AWS gives a permission set's role. */
export const PERMISSION_SET_ROLE_HASH = "0123456789abcdef";

/** /aws-reserved/sso.amazonaws.com/, with the region after it outside us-east-1. */
export function permissionSetRolePath(ssoRegion: string): string {
    return `/aws-reserved/sso.amazonaws.com/${ssoRegion === "us-east-1" ? "" : `${ssoRegion}/`}`;
}

/**
 * The roles the stack's permission sets provision: one per permission set and account it is
 * assigned in, holding the set's inline and AWS-managed policies (read by the policy pack's one
 * reading of permission sets, policypack/policies/permissionSets.ts). A permissions boundary is
 * left out: it can only narrow what the role may do, so the proofs judge the role without it.
 */
export function permissionSetRolesOf(
    resources: readonly ModelResource[],
    partition: string,
    ssoRegion: string,
): RoleModel[] {
    const assignments = ofType(resources, ACCOUNT_ASSIGNMENT);
    const roles: RoleModel[] = [];
    for (const h of permissionSetHolders(resources as never)) {
        if (!h.permissionSet || !h.name) continue;
        const names = namesOf(h.permissionSet as never, "arn");
        const mine = assignments.filter((a) => refersTo(a.props.permissionSetArn, names));
        const accounts = [
            ...new Set(
                mine
                    .map((a) => str(a.props.targetId))
                    .filter((id): id is string => id !== undefined),
            ),
        ];
        const groups = [
            ...new Set(
                mine.flatMap((a) =>
                    str(a.props.principalType) === "GROUP" && str(a.props.principalId)
                        ? [str(a.props.principalId)!]
                        : [],
                ),
            ),
        ];
        if (accounts.length === 0) continue;
        const managed = managedDocuments(
            h.policies.flatMap((p) => (p.kind === "aws-managed" && p.arn ? [p.arn] : [])),
        );
        const identity: NamedDocument[] = [
            ...managed.identity,
            ...h.policies.flatMap((p) =>
                p.kind === "inline" && p.inline !== undefined
                    ? [
                          {
                              label: `permission set ${h.name} inline policy`,
                              doc: parsePolicyDocument(p.inline, "identity"),
                          },
                      ]
                    : [],
            ),
        ];
        const unknownManaged = [
            ...managed.unknownManaged,
            ...h.policies.flatMap((p) =>
                p.kind === "customer-managed" && p.ref ? [`${p.ref.path}${p.ref.name}`] : [],
            ),
        ];
        const seconds = durationSeconds(h.sessionDuration ?? "PT1H") ?? 3600;
        for (const accountId of accounts) {
            const trust = parsePolicyDocument(
                {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: {
                                Federated: arn(
                                    partition,
                                    "iam",
                                    "",
                                    accountId,
                                    `saml-provider/AWSSSO_${PERMISSION_SET_ROLE_HASH}_DO_NOT_DELETE`,
                                ),
                            },
                            Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                            Condition: {
                                StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" },
                            },
                        },
                    ],
                },
                "trust",
            );
            roles.push({
                accountId,
                name: `${PERMISSION_SET_ROLE_PREFIX}${h.name}_${PERMISSION_SET_ROLE_HASH}`,
                arn: permissionSetRoleArn(partition, accountId, h.name, ssoRegion),
                componentType: h.permissionSet.parent?.type,
                maxSessionDuration: seconds,
                trust,
                identity,
                unknownManaged,
                permissionSetGroups: groups,
            });
        }
    }
    return roles;
}
