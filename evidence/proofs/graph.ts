// The access and escalation graph of a plan (after NCC Group's PMapper: the pattern, none of its
// code). Nodes are every principal the plan creates or lets in: the security account's IAM users
// (with their groups' policies), every role of this stack and of the security stack (StackSet
// template roles included), the GitHub OIDC tokens that matter, and the roles outside the plan
// that its policies let someone assume (taken to be admin-equivalent, and to assume nothing
// further: their documents are unknown). Edges are found by one module per kind (edges/sts.ts,
// edges/iam.ts), each decided by the one evaluator, policypack/iam authorize(). The proofs are
// queries over this graph (humans-need-mfa.ts, ci-preview-cannot-deploy.ts,
// only-break-glass-reaches-admin.ts).
//
// MFA: a request carries aws:MultiFactorAuthPresent=true and a small aws:MultiFactorAuthAge only
// when the path began with a human's MFA sign-in. AWS sets both keys for temporary credentials
// obtained with MFA and omits them for long-term access keys; a role session cannot present an
// MFA device of its own (AssumeRole's SerialNumber is the calling user's device).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (SerialNumber)
// AWS does not document whether a chained role session keeps the first session's MFA context, so
// each proof takes the reading that gives the attacker more: a path that began without MFA never
// gains it; a path that began with fresh MFA keeps it, fresh, through every role it assumes.
import {
    authorize,
    awsPrincipalFromArn,
    classifyAwsPrincipal,
    hasWildcard,
    NamedPolicy,
    parseArn,
    parsePolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";
import { adminEquivalentManagedPolicy } from "../../policypack/iam/managed";
import { arn, assumedRoleArn, iamGroupArn, iamRoleArn, iamUserArn } from "../../policypack/iam/arn";
import {
    BREAK_GLASS_ROLE_TYPE,
    LOG_ARCHIVE_ADMIN_ROLE_TYPE,
} from "../../policypack/componentTypes";
import { physicalName, str } from "../../policypack/model/resources";
import { T } from "../../policypack/policies/types";
import { accountIds, plannedRoles, principalTagsOf, RoleModel } from "../model";
import { insideNetwork, scpsFor } from "../simulate";
import { adminReason } from "./admin";
import { escalationEdges } from "./edges/iam";
import { assumeEdges, webIdentityEdges } from "./edges/sts";
import { assumeRootEdges } from "./edges/root";
import { DeployPin, describeToken, GithubToken, githubTokens, mentionedClaims } from "./tokens";
import type { ProofInput } from "./types";

import type { MfaState } from "./edges/context";
import type { ContextValue } from "../../policypack/iam/context";

export { MFA_CONTEXT } from "./edges/context";
export type { MfaState } from "./edges/context";

export type NodeKind =
    "user" | "role" | "program-role" | "external-role" | "github-token" | "group-member";

export interface GraphNode {
    /** An ARN; for a token, its description; for a group member, `<user ARN> in group <group ARN>`. */
    readonly id: string;
    readonly kind: NodeKind;
    readonly accountId?: string;
    /** Who signs its requests; undefined for tokens (they only call AssumeRoleWithWebIdentity). */
    readonly principal?: RequestPrincipal;
    /** Its identity policies (for a group member: the user's and the group's). */
    readonly identity: readonly NamedPolicy[];
    /** A role's trust policy. */
    readonly trust?: NamedPolicy;
    /** Pulumi type of the component that created the role. */
    readonly componentType?: string;
    /** An IAM user created for a person (auditors, responders, break-glass users). */
    readonly human: boolean;
    /** A break-glass user. */
    readonly breakGlass: boolean;
    /** Why the node holds admin-equivalent power, when it does. */
    readonly admin?: string;
    /** The statements that make it admin-equivalent, when the plan has them. */
    readonly adminStatements?: readonly string[];
    /** Extra request context its calls carry (a program's ExternalId and network). */
    readonly context?: Readonly<Record<string, string>>;
    readonly token?: GithubToken;
    /** For a node that stands for roles outside the plan: an ARN such a role could have. */
    readonly probe?: string;
    /** A user's planned tags: its requests carry them as aws:PrincipalTag/<key>. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * A role's organization, as a request to it carries aws:ResourceOrgID: the organization for a
     * role of the program (every account of it is a member); null for a role outside every
     * organization; undefined when unknown (the caller's choice, the reading that lets in more).
     */
    readonly resourceOrgId?: string | null;
}

export type EdgeKind =
    | "assume"
    | "web-identity"
    | "edit-policies"
    | "update-trust"
    | "credentials"
    | "join-group"
    | "pass-role"
    | "run-as"
    | "provision"
    | "assume-root";

export interface Edge {
    readonly from: GraphNode;
    readonly to: GraphNode;
    readonly kind: EdgeKind;
    /** The IAM action that makes the edge, e.g. `sts:AssumeRole`, `iam:UpdateAssumeRolePolicy`. */
    readonly action: string;
    /** The resource of that request. */
    readonly resource: string;
    /** A few words, PMapper style: "can assume", "can update the trust document of". */
    readonly reason: string;
    /** The deciding statements, `<policy label> <statement label>`. */
    readonly statements: readonly string[];
    /** The MFA state of the request that decided it. */
    readonly mfa: MfaState;
    /** The context of the request that decided it (with the values the caller chose). */
    readonly context?: Readonly<Record<string, ContextValue>>;
    /** The MFA state of what the caller holds after the hop. */
    readonly next: MfaState;
    /** The request was allowed with MFA and would not be without it (the MFA state it needs). */
    readonly needsMfa?: boolean;
    /** The edge hands the caller power to make the target admin (policy rewrites). */
    readonly grantsAdmin?: boolean;
}

/** How the first hop of an assume edge weighs the caller's own identity policies. */
export type AssumeMode = "policies" | "trust-alone";

export interface AccessGraph {
    readonly input: ProofInput;
    readonly partition: string;
    readonly region: string;
    readonly nodes: Map<string, GraphNode>;
    /** Every role the plans create (this stack's and the security stack's), by ARN. */
    readonly roles: readonly GraphNode[];
    readonly users: readonly GraphNode[];
    /** The token nodes: one per distinct (origin, deploy, set of roles it can assume). */
    readonly tokens: readonly GraphNode[];
    /** Every claim set examined, whether or not it reaches a role. */
    readonly tokenSpace: readonly GithubToken[];
    readonly pin?: DeployPin;
    /** Planned roles whose trust names an AWS principal, by the principal ARN or account it names. */
    readonly trustIndex: {
        readonly byArn: Map<string, GraphNode[]>;
        readonly byAccount: Map<string, GraphNode[]>;
        readonly anyone: GraphNode[];
        readonly federated: GraphNode[];
        readonly service: GraphNode[];
    };
    readonly rolesByAccount: Map<string, GraphNode[]>;
    readonly usersByAccount: Map<string, GraphNode[]>;
    /** Groups with their inline policies, by `<account>/<name>`. */
    readonly groups: Map<
        string,
        { arn: string; accountId: string; name: string; identity: NamedPolicy[]; members: string[] }
    >;
    /** The SCPs that bind a caller of the account (none for the management account). */
    scps(accountId: string): NamedPolicy[] | undefined;
    /** The node for a role outside the plan (or a pattern of them), created on first use. */
    external(
        arn: string,
        why: string,
        probe?: string,
        resourceOrgId?: string | null,
        id?: string,
    ): GraphNode;
    /** The organization (the security stack's organizationId), when known. */
    readonly organizationId?: string;
    /**
     * Every account the program knows: the security, management and log-archive accounts, the
     * workload accounts, and the accounts of every planned or granted role. All are members of
     * the organization.
     */
    readonly knownAccounts: readonly string[];
    /** The management account, which no SCP binds. */
    readonly managementAccountId?: string;
    /** The roles the plans' AWS providers assume (`assumeRoles[].roleArn`): the deploy roles. */
    readonly deployRoles: ReadonlySet<string>;

    /**
     * Whether an SCP attached to the organization root denies creating a role at `roleArn` (its
     * path and name) to every principal but the program's deploy and StackSet execution roles:
     * then a role so named in a member account is the program's (ProtectOrgAccessRoles,
     * components/guardrails.ts). The management account is never bound by SCPs; its
     * administrators hold the organization already, so a role they create there is taken as theirs
     * to grant (docs/proofs.md).
     */
    reservedInOrganization(roleArn: string): boolean;
    /**
     * Roles another stack of this program creates (the security stack's grants: audit, duty and
     * workload preview roles), when this plan does not contain them: that stack's plan proves them.
     */
    readonly programRoles: ReadonlySet<string>;
    /** The node for such a role: its policies are not in this plan, so paths end there. */
    elsewhere(arn: string): GraphNode;
    /** A pseudo-node: power outside the plan that an escalation reaches (admin-equivalent). */
    beyond(id: string, accountId: string | undefined, why: string): GraphNode;
    /** Every edge out of a node whose requests carry `state`; computed once per (node, state, mode). */
    edgesFrom(node: GraphNode, state: MfaState, mode?: AssumeMode): readonly Edge[];
}

/** The trust policy of a role outside the plan: unknown, so taken to let anyone in. */
function unknownTrust(arn: string, where = "not in the plan"): NamedPolicy {
    return {
        label: `trust policy of ${arn} (${where}: taken to allow)`,
        doc: parsePolicyDocument(
            {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
            },
            "trust",
        ),
    };
}

/** A role is "privileged" by design: break-glass and the log-archive admin, whatever it attaches. */
export function isDutyAdmin(node: GraphNode): boolean {
    return (
        node.componentType === BREAK_GLASS_ROLE_TYPE ||
        node.componentType === LOG_ARCHIVE_ADMIN_ROLE_TYPE
    );
}

function roleNode(r: RoleModel): GraphNode {
    const principal = awsPrincipalFromArn(r.arn) as Extract<RequestPrincipal, { type: "aws" }>;
    return {
        id: r.arn,
        kind: "role",
        accountId: r.accountId,
        // The role's sessions make its requests; aws:PrincipalArn is the role's ARN.
        principal: {
            ...principal,
            kind: "assumed-role",
            arn: assumedRoleArn(principal.partition, r.accountId, r.name, "graph"),
            name: "graph",
            roleArn: r.arn,
        },
        identity: r.identity,
        trust: { label: `trust policy of ${r.arn}`, doc: r.trust },
        componentType: r.componentType,
        human: false,
        breakGlass: false,
        ...adminReason(r.identity, r.unknownManaged),
    };
}

function add(map: Map<string, GraphNode[]>, key: string, node: GraphNode): void {
    const list = map.get(key);
    if (list) {
        if (!list.includes(node)) list.push(node);
    } else map.set(key, [node]);
}

/** Indexes roles by the AWS principals their trust statements name. */
function indexTrust(roles: readonly GraphNode[]): AccessGraph["trustIndex"] {
    const index = {
        byArn: new Map<string, GraphNode[]>(),
        byAccount: new Map<string, GraphNode[]>(),
        anyone: [] as GraphNode[],
        federated: [] as GraphNode[],
        service: [] as GraphNode[],
    };
    for (const role of roles) {
        for (const s of role.trust?.doc.statements ?? []) {
            if (s.effect !== "Allow") continue;
            const anyone = () => {
                if (!index.anyone.includes(role)) index.anyone.push(role);
            };
            if (s.notPrincipal || s.principal?.star) {
                anyone();
                continue;
            }
            for (const raw of s.principal?.aws ?? []) {
                const info = classifyAwsPrincipal(raw);
                // Wildcards, and unique ids this model cannot map to an ARN: any caller is a candidate.
                if (hasWildcard(raw) || info.accountWildcard || info.kind === "everyone") anyone();
                else if (info.kind === "account")
                    add(index.byAccount, info.account as string, role);
                else if (/^(AIDA|AROA)/.test(raw)) anyone();
                else add(index.byArn, raw.toLowerCase(), role);
            }
            if (s.principal?.federated.length && !index.federated.includes(role))
                index.federated.push(role);
            if (s.principal?.service.length && !index.service.includes(role))
                index.service.push(role);
        }
    }
    return index;
}

const graphs = new WeakMap<ProofInput, AccessGraph>();

/**
 * The graph of one plan: the stack's resources seen with the security stack's. Built once per
 * input: the proofs of one plan share it, and the edges each has computed.
 */
export function buildGraph(input: ProofInput): AccessGraph {
    let graph = graphs.get(input);
    if (!graph) graphs.set(input, (graph = newGraph(input)));
    return graph;
}

function newGraph(input: ProofInput): AccessGraph {
    const { model } = input;
    const partition = model.partition;
    // This stack's roles (as the model has them), then the security stack's, once each by ARN.
    const roleModels = new Map<string, RoleModel>();
    for (const r of model.roles) roleModels.set(r.arn, r);
    if (input.security && input.security !== input.resources)
        for (const r of plannedRoles(input.security, partition, []))
            if (!roleModels.has(r.arn)) roleModels.set(r.arn, r);
    // (This stack's StackSet roles come with the model; the security stack deploys none.)

    const nodes = new Map<string, GraphNode>();
    // Every role the program plans is in an account of the organization.
    const roles = [...roleModels.values()].map((r): GraphNode => ({
        ...roleNode(r),
        resourceOrgId: model.organizationId,
    }));
    for (const n of roles) nodes.set(n.id, n);

    const security = input.security ?? [];
    const tagOf = (arn: string): Record<string, unknown> => {
        const u = security.find(
            (r) =>
                r.type === T.User &&
                iamUserArn(
                    partition,
                    r.accountId ?? "",
                    physicalName(r),
                    str(r.props.path) ?? "/",
                ) === arn,
        );
        return (u?.props.tags as Record<string, unknown> | undefined) ?? {};
    };
    const attachedAdmin = (kind: string, prop: string, name: string, accountId: string) =>
        security
            .filter((r) => r.type === kind && r.accountId === accountId && r.props[prop] === name)
            .map((r) => str(r.props.policyArn) ?? "")
            .filter((arn) => adminEquivalentManagedPolicy(arn));
    const reporters = new Map(model.trusted.reporters.map((r) => [r.arn, r]));
    const breakGlass = new Set(model.trusted.breakGlassArns ?? []);
    const people = new Set([
        ...model.trusted.humanArns,
        ...(model.trusted.incidentResponderArns ?? []),
        ...breakGlass,
    ]);
    const users = model.principals.map((u): GraphNode => {
        const tags = tagOf(u.arn);
        // A person unless the security stack says it is a program (a reporter, or tagged machine).
        const program = reporters.has(u.arn) || tags["org-access:principal-type"] === "machine";
        const reporter = reporters.get(u.arn);
        const managed = [
            ...attachedAdmin(T.UserPolicyAttachment, "user", u.userName, u.accountId),
            ...u.groups.flatMap((g) =>
                attachedAdmin(T.GroupPolicyAttachment, "group", g, u.accountId),
            ),
            // An attached policy the model has no document for is taken to be admin.
            ...u.unknownManaged,
        ];
        return {
            id: u.arn,
            kind: "user",
            accountId: u.accountId,
            principal: awsPrincipalFromArn(u.arn),
            identity: u.identity,
            human: !program || people.has(u.arn),
            breakGlass: breakGlass.has(u.arn),
            tags: principalTagsOf(model, u.arn),
            ...adminReason(u.identity, managed),
            // A program calls with its ExternalId, from inside its networks.
            context: reporter
                ? { "sts:ExternalId": reporter.externalId, ...insideNetwork(reporter) }
                : undefined,
        };
    });
    for (const n of users) nodes.set(n.id, n);

    const groups: AccessGraph["groups"] = new Map();
    for (const g of security.filter((r) => r.type === "aws:iam/group:Group" && r.accountId)) {
        const name = physicalName(g);
        const accountId = g.accountId as string;
        groups.set(`${accountId}/${name}`, {
            arn: iamGroupArn(partition, accountId, name, str(g.props.path) ?? "/"),
            accountId,
            name,
            identity: security
                .filter(
                    (p) =>
                        p.type === T.GroupPolicy &&
                        p.accountId === accountId &&
                        p.props.group === name,
                )
                .map((p) => ({
                    label: `group ${name} policy ${physicalName(p)}`,
                    doc: parsePolicyDocument(p.props.policy, "identity"),
                })),
            members: model.principals
                .filter((u) => u.accountId === accountId && u.groups.includes(name))
                .map((u) => u.arn),
        });
    }

    const byAccount = (list: readonly GraphNode[]) => {
        const m = new Map<string, GraphNode[]>();
        for (const n of list) if (n.accountId) add(m, n.accountId, n);
        return m;
    };
    const trustIndex = indexTrust(roles);

    // The deploy pin, as the security stack was configured.
    const rawPin = input.outputs.ciDeployPin as Partial<DeployPin> | undefined;
    const pin =
        rawPin && rawPin.repository && rawPin.environment && rawPin.branch && rawPin.workflow
            ? (rawPin as DeployPin)
            : undefined;
    const tokenSpace = githubTokens(
        pin,
        mentionedClaims(trustIndex.federated.map((r) => r.trust!.doc)),
    );

    const strings = (v: unknown): string[] =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    const programRoles = new Set(
        [
            "grantedAuditRoleArns",
            "grantedIncidentResponseRoleArns",
            "grantedBreakGlassRoleArns",
            "workloadPreviewRoleArns",
        ].flatMap((k) => strings(input.outputs[k])),
    );

    const cache = new Map<string, readonly Edge[]>();
    const deployRoles = providerRoles([...input.resources, ...security]);
    const deployRoleNames = new Set([...deployRoles].map((a) => parseArn(a)?.resource ?? ""));
    const scpsByAccount = new Map<string, ReturnType<typeof scpsFor>>();
    const graph: AccessGraph = {
        input,
        partition,
        region: model.region,
        nodes,
        roles,
        users,
        tokens: [],
        tokenSpace,
        pin,
        trustIndex,
        rolesByAccount: byAccount(roles),
        usersByAccount: byAccount(users),
        groups,
        // Asked once per request decided (every caller, role and MFA state): one list per account.
        scps: (accountId) => {
            if (!scpsByAccount.has(accountId))
                // Every proof over the graph gains from a Deny (fewer edges, fewer paths): only
                // the SCPs surely on the account's path count, not an OU's (simulate.ts OuReading).
                scpsByAccount.set(accountId, scpsFor(model, accountId, "surely"));
            return scpsByAccount.get(accountId);
        },
        organizationId: model.organizationId,
        managementAccountId: model.managementAccountId,
        deployRoles,
        knownAccounts: [
            ...new Set(
                [
                    model.securityAccountId,
                    model.managementAccountId,
                    str(input.outputs.logArchiveAccountId),
                    ...accountIds(input.outputs.accounts),
                    ...roles.map((r) => r.accountId),
                    // The roles other stacks plan, in accounts this plan does not touch, matter
                    // to the security stack's plan only. A workload shard's callers are the
                    // security stack's principals, whose edges to those roles depend on nothing
                    // but their own policies and the SCPs, and end there: the security plan
                    // decides the very same edges. Enumerating them in every shard made each
                    // shard's proofs grow with the whole organization (docs/BENCHMARKS.md).
                    ...(input.kind === "security"
                        ? [...programRoles].map((a) => parseArn(a)?.account)
                        : []),
                ].filter((a): a is string => a !== undefined && /^\d{12}$/.test(a)),
            ),
        ].sort(),
        // The deploy roles' names are never the program's: the program does not create them, and
        // AWS Organizations creates OrganizationAccountAccessRole, with administrator rights, in
        // every account it creates, whatever the SCPs say about creating one later. So a role of
        // such a name in an account no stack lists is a way in, not a reserved name.
        // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html
        reservedInOrganization: (roleArn) =>
            !deployRoleNames.has(parseArn(roleArn)?.resource ?? "") &&
            reservedInOrganization(model, roleArn),
        programRoles,
        elsewhere(arn) {
            let n = nodes.get(arn);
            if (!n) {
                n = {
                    id: arn,
                    kind: "program-role",
                    accountId: parseArn(arn)?.account,
                    identity: [],
                    trust: unknownTrust(arn, "planned by another stack of this program"),
                    human: false,
                    breakGlass: false,
                    resourceOrgId: model.organizationId,
                };
                nodes.set(arn, n);
            }
            return n;
        },
        external(arn, why, probe, resourceOrgId, id = arn) {
            let n = nodes.get(id);
            if (!n) {
                const a = parseArn(arn);
                n = {
                    id,
                    kind: "external-role",
                    accountId: a?.account && !hasWildcard(a.account) ? a.account : undefined,
                    identity: [],
                    trust: unknownTrust(arn),
                    probe,
                    human: false,
                    breakGlass: false,
                    admin: `a role outside the plan (${why}): its policies are unknown, so it is taken to be admin-equivalent`,
                    resourceOrgId,
                };
                nodes.set(id, n);
            }
            return n;
        },
        beyond(id, accountId, why) {
            let n = nodes.get(id);
            if (!n) {
                n = {
                    id,
                    kind: "external-role",
                    accountId,
                    identity: [],
                    human: false,
                    breakGlass: false,
                    admin: why,
                };
                nodes.set(id, n);
            }
            return n;
        },
        edgesFrom(node, state, mode = "policies") {
            const key = `${node.id}|${state}|${mode}`;
            let edges = cache.get(key);
            if (!edges) {
                // Admin-equivalent and unknown nodes are where paths end: they could do anything.
                edges =
                    node.admin || node.kind === "external-role" || node.kind === "program-role"
                        ? []
                        : node.kind === "github-token"
                          ? webIdentityEdges(graph, node)
                          : [
                                ...assumeEdges(graph, node, state, mode),
                                ...escalationEdges(graph, node, state),
                                ...assumeRootEdges(graph, node, state),
                            ];
                // With MFA, mark the edges the same request without an MFA key would not get.
                if (state === "fresh" || state === "stale") {
                    const without = new Set(
                        graph
                            .edgesFrom(node, "absent", mode)
                            .map((e) => `${e.kind}|${e.action}|${e.to.id}`),
                    );
                    edges = edges.map((e) => ({
                        ...e,
                        needsMfa: !without.has(`${e.kind}|${e.action}|${e.to.id}`),
                    }));
                }
                cache.set(key, edges);
            }
            return edges;
        },
    };

    // One token node per distinct (origin, deploy, roles it can assume): the tokens that matter.
    const seen = new Set<string>();
    const tokens: GraphNode[] = [];
    for (const token of tokenSpace) {
        const probe: GraphNode = {
            id: describeToken(token),
            kind: "github-token",
            identity: [],
            human: false,
            breakGlass: false,
            token,
        };
        const edges = webIdentityEdges(graph, probe);
        if (edges.length === 0) continue;
        const key = `${token.origin}|${token.deploy}|${edges.map((e) => e.to.id).join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        nodes.set(probe.id, probe);
        cache.set(`${probe.id}|absent|policies`, edges);
        tokens.push(probe);
    }
    (graph as { tokens: readonly GraphNode[] }).tokens = tokens;
    return graph;
}

/**
 * The roles AWS providers assume (`assumeRoles[].roleArn`). A provider's inputs may reach the
 * plan JSON-encoded (the engine passes provider configuration as strings).
 */
function providerRoles(resources: readonly { type: string; props: Record<string, unknown> }[]) {
    const out = new Set<string>();
    for (const r of resources) {
        if (r.type !== "pulumi:providers:aws") continue;
        let roles: unknown = r.props.assumeRoles;
        if (typeof roles === "string") {
            try {
                roles = JSON.parse(roles);
            } catch {
                continue;
            }
        }
        if (!Array.isArray(roles)) continue;
        for (const x of roles as { roleArn?: unknown }[])
            if (typeof x?.roleArn === "string") out.add(x.roleArn);
    }
    return out;
}

/** A stand-in member account and role for asking whether the SCPs reserve a role name. */
const RESERVATION_PROBE_ACCOUNT = "210987654320";

/** See AccessGraph.reservedInOrganization; shared with logs-immutable.ts. */
export function reservedInOrganization(
    model: AccessGraph["input"]["model"],
    roleArn: string,
): boolean {
    const a = parseArn(roleArn);
    if (!a || a.service !== "iam" || !a.resource.startsWith("role/")) return false;
    const atRoot = model.scps.filter((s) => s.targets.some((t) => t.startsWith("r-")));
    if (atRoot.length === 0) return false;
    const target = arn(model.partition, "iam", "", RESERVATION_PROBE_ACCOUNT, a.resource);
    const someone = iamRoleArn(model.partition, RESERVATION_PROBE_ACCOUNT, "zq9-account-admin");
    const principal = awsPrincipalFromArn(someone) as RequestPrincipal;
    const result = authorize(
        {
            principal: {
                ...(principal as Extract<RequestPrincipal, { type: "aws" }>),
                kind: "assumed-role",
                arn: assumedRoleArn(
                    model.partition,
                    RESERVATION_PROBE_ACCOUNT,
                    "zq9-account-admin",
                    "s",
                ),
                name: "s",
                roleArn: someone,
            },
            action: "iam:CreateRole",
            resource: target,
            context: { "aws:RequestedRegion": model.region, "aws:SecureTransport": "true" },
        },
        { scps: atRoot, identity: [ADMIN_PROBE] },
    );
    return result.decision === "ExplicitDeny";
}

/** An account administrator's identity policy, for the reservation question. */
const ADMIN_PROBE: NamedPolicy = {
    label: "an administrator of a member account",
    doc: parsePolicyDocument(
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        "identity",
    ),
};

/** One step of a search: the node reached, in which MFA state, and the edge that reached it. */
export interface Step {
    readonly node: GraphNode;
    readonly state: MfaState;
    readonly via?: Edge;
    readonly prev?: Step;
}

/**
 * Every node reachable from `start` whose requests carry `state`, breadth first, so each path is a
 * shortest one. `firstHop` decides how the start's own identity policies weigh on its assume edges.
 */
export function reach(
    graph: AccessGraph,
    start: GraphNode,
    state: MfaState,
    firstHop: AssumeMode = "policies",
): Step[] {
    const first: Step = { node: start, state };
    const seen = new Set([`${start.id}|${state}`]);
    const out: Step[] = [first];
    for (let i = 0; i < out.length; i++) {
        const step = out[i];
        const edges = graph.edgesFrom(step.node, step.state, i === 0 ? firstHop : "policies");
        for (const e of edges) {
            const key = `${e.to.id}|${e.next}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ node: e.to, state: e.next, via: e, prev: step });
        }
    }
    return out;
}

/** The edges of a step's path, first to last. */
export function pathOf(step: Step): Edge[] {
    const edges: Edge[] = [];
    for (let s: Step | undefined = step; s?.via; s = s.prev) edges.unshift(s.via);
    return edges;
}

/** A short name for a node in a path: `alice`, `SecurityAuditRole@777788889999`, a token's claims. */
export function nodeName(n: GraphNode): string {
    if (n.kind === "github-token") return n.id;
    const a = parseArn(n.id);
    if (!a) return n.id;
    const name = a.resource.split("/").pop() ?? a.resource;
    return n.kind === "user" ? name : `${name}@${a.account || "*"}`;
}

/**
 * The path as PMapper words it: `alice -> (MFA) can assume -> SecurityAuditRole@777788889999`,
 * "(MFA)" marking the hops that need it.
 */
export function describePath(start: GraphNode, edges: readonly Edge[]): string {
    let out = nodeName(start);
    for (const e of edges) {
        const mfa = e.needsMfa ? "(MFA) " : "";
        out += ` -> ${mfa}${e.reason} -> ${nodeName(e.to)}`;
    }
    return out;
}
