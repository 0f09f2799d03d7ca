/**
 * Whole-principal admin analysis: what a role, user or group can do with every policy it holds
 * taken together, where `findAdminGrants` (admin.ts) judges one document at a time.
 *
 * - iam:PassRole on any role in one policy and an action that runs code under a passed role in
 *   another (a second inline policy, an attached customer-managed or AWS-managed policy, a
 *   group's policy) are admin-equivalent together, as they are in one document.
 * - Self-targeted escalation: rewriting the principal's own policies (its ARN named exactly, by a
 *   prefix such as `role/app-*` that matches its own name, or through a policy variable), the
 *   policies of a group it is in, or a customer-managed policy it holds (CreatePolicyVersion).
 * - Prefix-targeted takeover: writing the policies of another role (or user) that exists in the
 *   plan or that the principal may create, together with a way in: the role's trust policy
 *   (iam:UpdateAssumeRolePolicy, or iam:CreateRole with a trust of its own choosing), the user's
 *   credentials (iam:CreateAccessKey, iam:CreateLoginProfile). In its own account a role whose
 *   trust names the caller's ARN needs no identity Allow to be assumed, so sts:AssumeRole is not
 *   required. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * - Joining a group that holds admin-equivalent power (iam:AddUserToGroup).
 *
 * A permissions boundary caps each of these: a grant counts only when the boundary allows the same
 * request too. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 * A grant pinned by iam:PermissionsBoundary to boundaries that cap (bounds.ts, judged against the
 * plan by `boundaries`: known, not admin-equivalent, not rewritable by anything the principal
 * holds) hands out nothing beyond them, so it does not count.
 *
 * Each request is decided by the one evaluator's witness search (search.ts): a grant counts when
 * some request context lets it through, since conditions decide when admin power is usable, not
 * whether it exists. An unconditional Deny in any held policy removes the grant.
 * Findings a single document already shows (findAdminGrants) are left to the per-document check.
 */
import { findAdminGrants } from "./admin";
import { assumedRoleArn, iamArn, iamRoleArn, iamUserArn, parseArn, PROBE_PARTITION } from "./arn";
import type { NamedPolicy } from "./authorize";
import { boundaryDomain, BoundaryJudge, boundaryMutable, NO_PLAN } from "./bounds";
import { RequestPrincipal } from "./context";
import { PolicyDocument, Statement, statementLabel } from "./document";
import { resourceMatches, statementMatchesAction, statementMatchesResource } from "./evaluate";
import {
    IAM_ESCALATION_ACTIONS,
    IamTarget,
    PASS_ROLE,
    passedToServices,
    passRoleComputeActions,
    PROBE_ACCOUNT,
    RUN_AS_ROLE_TYPES,
} from "./privileges";
import { Candidate, findAllowWitness } from "./search";
import { hasWildcard } from "./wildcard";

export type PrincipalKind = "role" | "user" | "group";

/** Every policy a principal holds, as its stack writes them. */
export interface PrincipalPolicies {
    readonly kind: PrincipalKind;
    /** Its ARN, with its IAM path. */
    readonly arn: string;
    /** Every identity policy it holds: inline, attached (customer- and AWS-managed), its groups'. */
    readonly identity: readonly NamedPolicy[];
    /**
     * Its permissions boundary: `arn` set when it has one; `policy` when the document is known
     * (customer-managed from the plan, AWS-managed from the data tables). A boundary whose document
     * is unknown caps nothing here: nothing unread is assumed to make a principal safe.
     */
    readonly boundary?: { readonly arn: string; readonly policy?: NamedPolicy };
    /** Customer-managed policies it holds (directly or through its groups), by ARN. */
    readonly managed: readonly { readonly arn: string; readonly label: string }[];
    /** ARNs of the groups it is a member of (users). */
    readonly groups: readonly string[];
    /**
     * Judges the customer-managed permissions boundaries its policies' conditions pin (bounds.ts);
     * default NO_PLAN: none is known to cap.
     */
    readonly boundaries?: BoundaryJudge;
    /**
     * Attached managed policies (directly or through its groups) whose document is not known: a
     * customer-managed policy whose document does not parse, an AWS-managed policy the data
     * tables lack. Nothing unread is assumed safe.
     */
    readonly unknown?: readonly string[];
}

/** What the principal's account holds besides it: targets of takeovers. */
export interface PrincipalNeighbours {
    /** ARNs of the roles and users of its account that the plan creates. */
    readonly roles: readonly string[];
    readonly users: readonly string[];
    /** Groups of its account that hold admin-equivalent power, with why. */
    readonly adminGroups: readonly { readonly arn: string; readonly why: string }[];
    /**
     * Per planned role ARN, the customer-managed policies it holds: rewriting one of them
     * (iam:CreatePolicyVersion) gives the role any permission, as iam:PutRolePolicy does.
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
     */
    readonly managedOf?: ReadonlyMap<string, readonly string[]>;
    /** Per planned role ARN, the plan's compute that runs as it (a way in besides its trust). */
    readonly runAs?: ReadonlyMap<string, readonly RoleCompute[]>;
}

/**
 * The plan's admin-equivalent roles of one account and the compute running as them, indexed once
 * for findComputeAdmin: roles by ARN, compute by action, so that each principal costs a lookup per
 * action it names, not a scan of every role and resource (a stack of thousands of principals).
 */
export class ComputeNeighbours {
    private readonly roleByArn = new Map<string, AdminRole>();
    private readonly computeByAction = new Map<string, AdminCompute[]>();
    /** `<action>|<ARN resource part>` (its region and account aside): exact patterns find it. */
    private readonly computeByResource = new Map<string, AdminCompute[]>();
    constructor(
        readonly adminRoles: readonly AdminRole[],
        adminCompute: readonly AdminCompute[],
    ) {
        for (const r of adminRoles) this.roleByArn.set(r.arn, r);
        const add = (m: Map<string, AdminCompute[]>, key: string, c: AdminCompute) => {
            const list = m.get(key);
            if (list) list.push(c);
            else m.set(key, [c]);
        };
        for (const c of adminCompute) {
            const resource = parseArn(c.arn("zq9", "aws"))?.resource ?? "";
            for (const a of c.actions) {
                add(this.computeByAction, a, c);
                add(this.computeByResource, `${a}|${resource}`, c);
            }
        }
    }
    get empty(): boolean {
        return this.adminRoles.length === 0;
    }
    /** The admin roles a PassRole resource pattern may name. */
    rolesFor(pattern: string): AdminRole[] {
        if (!hasWildcard(pattern)) {
            const r = this.roleByArn.get(pattern);
            return r ? [r] : [];
        }
        return this.adminRoles.filter((r) => resourceMatches(pattern, r.arn, new Map(), false));
    }
    /** Every action that runs code on some admin compute. */
    actions(): IterableIterator<string> {
        return this.computeByAction.keys();
    }
    /**
     * The admin compute a principal's resource patterns for the action may reach: looked up by
     * resource for exact patterns (a function named by ARN), all of them only for wildcards.
     */
    computeFor(action: string, patterns: readonly string[]): AdminCompute[] {
        const out = new Set<AdminCompute>();
        for (const pattern of patterns) {
            const resource = parseArn(pattern)?.resource;
            if (resource === undefined || hasWildcard(resource))
                return this.computeByAction.get(action) ?? [];
            for (const c of this.computeByResource.get(`${action}|${resource}`) ?? []) out.add(c);
        }
        return [...out];
    }
}

export type PrincipalAdminReason =
    "passrole-compute" | "self-escalation" | "takeover" | "join-admin-group" | "compute-as-admin";

/** A role of the plan that is admin-equivalent, with the service principals its trust lets in. */
export interface AdminRole {
    readonly arn: string;
    readonly why: string;
    readonly services: readonly string[];
}

/** A compute resource of the plan that runs code as an admin-equivalent role (model/computeRoles.ts). */
export interface AdminCompute extends RoleCompute {
    readonly why: string;
}

/** Compute of the plan and the role it runs as. */
export interface RoleCompute {
    /** `<Pulumi type> <name>`, for messages. */
    readonly what: string;
    /** Its ARN in a region (the plan does not say which). */
    arn(region: string, partition: string): string;
    /** The actions that run code of the caller's choosing on it. */
    readonly actions: readonly string[];
    /** Per action, other actions on the same resource its method takes (data/run-as-role.json). */
    readonly needs?: Readonly<Record<string, readonly string[]>>;
    /** Whether those actions also need iam:PassRole on its role. */
    readonly passRole: boolean;
    readonly roleArn: string;
}

export interface PrincipalFinding {
    readonly reason: PrincipalAdminReason;
    /** One sentence naming the combination, each part with the policy and statement granting it. */
    readonly detail: string;
    /** `<policy label> <statement label>` of every grant involved. */
    readonly statements: readonly string[];
}

/** One Allow the principal holds for a request. */
interface Grant {
    readonly policy: NamedPolicy;
    readonly statement: Statement;
    readonly label: string;
    readonly boundaries: BoundaryJudge;
}

/**
 * An ARN of type `kind` that the pattern matches and nobody named (undefined when it matches
 * none): a wildcard account becomes `account`, wildcards in the name become `zq9`. Shared by the
 * access graph (edges/sts.ts), which asks which roles outside the plan a pattern reaches.
 */
export function wildcardProbe(
    pattern: string,
    kind: "role" | "user",
    partition: string,
    account: string = PROBE_ACCOUNT,
): string | undefined {
    const a = parseArn(pattern);
    const probe = a
        ? iamArn(
              hasWildcard(a.partition) ? partition : a.partition,
              hasWildcard(a.account) || a.account === "" ? account : a.account,
              a.resource.replace(/\*/g, "zq9").replace(/\?/g, "z"),
          )
        : iamArn(partition, account, `${kind}/zq9-outside-the-plan`);
    const p = parseArn(probe);
    if (p?.service !== "iam" || !p.resource.startsWith(`${kind}/`)) return undefined;
    return resourceMatches(pattern, probe, new Map(), false) ? probe : undefined;
}

/** The principal its requests come from: a role's session, a user, a group's member. */
function requestPrincipal(p: PrincipalPolicies): RequestPrincipal {
    const a = parseArn(p.arn);
    const account = a?.account || PROBE_ACCOUNT;
    const partition = a?.partition || PROBE_PARTITION;
    const name = (a?.resource ?? "").split("/").pop() || "zq9";
    if (p.kind === "role")
        return {
            type: "aws",
            kind: "assumed-role",
            arn: assumedRoleArn(partition, account, name, "zq9-session"),
            account,
            partition,
            name: "zq9-session",
            roleArn: p.arn,
        };
    if (p.kind === "user")
        return { type: "aws", kind: "user", arn: p.arn, account, partition, name };
    const member = iamUserArn(partition, account, "zq9-member");
    return { type: "aws", kind: "user", arn: member, account, partition, name: "zq9-member" };
}

/** Does any Allow statement of the document name the action? Answered once per (document, action). */
const mentions = new WeakMap<PolicyDocument, Map<string, boolean>>();
function mayAllow(doc: PolicyDocument, action: string): boolean {
    let m = mentions.get(doc);
    if (!m) mentions.set(doc, (m = new Map()));
    let v = m.get(action);
    if (v === undefined) {
        v = doc.statements.some((s) => s.effect === "Allow" && statementMatchesAction(s, action));
        m.set(action, v);
    }
    return v;
}

/** An unconditional Deny of another held policy that covers the request. */
function deniedElsewhere(
    identity: readonly NamedPolicy[],
    except: NamedPolicy,
    action: string,
    resource: string | undefined,
): boolean {
    return identity.some(
        (p) =>
            p !== except &&
            p.doc.statements.some(
                (s) =>
                    s.effect === "Deny" &&
                    s.conditions.length === 0 &&
                    statementMatchesAction(s, action) &&
                    (resource === undefined
                        ? (!s.resource && !s.notResource) || (s.resource ?? []).includes("*")
                        : statementMatchesResource(s, resource, new Map(), false)),
            ),
    );
}

class Holder {
    readonly principal: RequestPrincipal;
    readonly account: string;
    readonly partition: string;
    private readonly cache = new Map<string, Grant | null>();
    private readonly boundaryDomains = new Map<PolicyDocument, readonly Candidate[] | null>();
    private boundariesMutable?: boolean;
    constructor(readonly p: PrincipalPolicies) {
        this.principal = requestPrincipal(p);
        this.account = (this.principal as { account: string }).account;
        this.partition = (this.principal as { partition: string }).partition;
    }

    get boundaries(): BoundaryJudge {
        return this.p.boundaries ?? NO_PLAN;
    }

    /**
     * The values of iam:PermissionsBoundary under which a held document's pinned grants escape
     * (bounds.ts boundaryDomain); undefined when it pins none, or when what the principal holds
     * can remove or replace boundaries (then any value is the caller's).
     */
    private boundaryDomainOf(doc: PolicyDocument): readonly Candidate[] | undefined {
        let d = this.boundaryDomains.get(doc);
        if (d === undefined) {
            const clauses = doc.statements.flatMap((st) =>
                st.conditions.filter((c) => c.keyLower === "iam:permissionsboundary"),
            );
            this.boundariesMutable ??= this.p.identity.some(
                (pol) =>
                    boundaryMutable(pol.doc, "role", this.boundaries, [this.account]) ||
                    boundaryMutable(pol.doc, "user", this.boundaries, [this.account]),
            );
            d =
                clauses.length === 0 || this.boundariesMutable
                    ? null
                    : boundaryDomain(
                          clauses,
                          [this.account],
                          this.boundaries,
                          this.p.identity.map((pol) => pol.doc),
                      );
            this.boundaryDomains.set(doc, d);
        }
        return d ?? undefined;
    }

    /**
     * The first held Allow for the request that the boundary lets through too. `passedTo` limits
     * iam:PassedToService to the services that would run the role (PassRole to a given consumer).
     */
    allows(action: string, resource?: string, passedTo?: readonly string[]): Grant | undefined {
        const key = `${action}|${resource ?? ""}|${passedTo?.join(",") ?? ""}`;
        const hit = this.cache.get(key);
        if (hit !== undefined) return hit ?? undefined;
        const found = this.decide(action, resource, passedTo);
        this.cache.set(key, found ?? null);
        return found;
    }

    private decide(
        action: string,
        resource?: string,
        passedTo?: readonly string[],
    ): Grant | undefined {
        const scenario = {
            principals: [this.principal],
            action,
            resource,
            ...(passedTo ? { domains: new Map([["iam:passedtoservice", passedTo]]) } : {}),
        };
        const b = this.p.boundary?.policy;
        if (b && !findAllowWitness(b.doc, scenario)) return undefined;
        for (const policy of this.p.identity) {
            if (!mayAllow(policy.doc, action)) continue;
            const bounded = this.boundaryDomainOf(policy.doc);
            const w = findAllowWitness(
                policy.doc,
                bounded
                    ? {
                          ...scenario,
                          domains: new Map<string, readonly Candidate[]>([
                              ...(scenario.domains ?? []),
                              ["iam:permissionsboundary", bounded],
                          ]),
                      }
                    : scenario,
            );
            if (!w) continue;
            if (deniedElsewhere(this.p.identity, policy, action, resource)) return undefined;
            return {
                policy,
                statement: w.statement,
                label: `${policy.label} ${statementLabel(w.statement)}`,
                boundaries: this.boundaries,
            };
        }
        return undefined;
    }

    /** The resource patterns of held Allow statements naming the action. */
    patterns(action: string): string[] {
        const out: string[] = [];
        for (const policy of this.p.identity)
            for (const s of policy.doc.statements)
                if (s.effect === "Allow" && statementMatchesAction(s, action))
                    out.push(...(s.resource ?? ["*"]));
        return out;
    }
}

/** Is the grant admin-equivalent on its own (so the per-document check already reports it)? */
function shownAlone(g: Grant): boolean {
    return findAdminGrants(g.policy.doc, g.boundaries).some((f) => f.statement === g.statement);
}

/** Is the document admin-equivalent on its own? */
function docShownAlone(g: Grant): boolean {
    return findAdminGrants(g.policy.doc, g.boundaries).length > 0;
}

const escalations = (target: IamTarget, without: readonly string[] = []) =>
    IAM_ESCALATION_ACTIONS.filter(
        (e) => e.target === target && e.selfCounts && !without.includes(e.action),
    ).map((e) => e.action);
/** Rewrites of one's own policies: trust and group membership are not rewrites. */
const SELF_EDITS: Readonly<Record<IamTarget, readonly string[]>> = {
    role: escalations("role", ["iam:UpdateAssumeRolePolicy"]),
    user: escalations("user"),
    group: escalations("group", ["iam:AddUserToGroup"]),
    policy: escalations("policy"),
};
const BOUNDARY_EDIT = /PermissionsBoundary$/;
const ROLE_WRITES = ["iam:PutRolePolicy", "iam:AttachRolePolicy"];
/** Writes of a customer-managed policy's document (a new default version, an older one made default). */
const POLICY_WRITES = escalations("policy");
const USER_WRITES = ["iam:PutUserPolicy", "iam:AttachUserPolicy"];
const USER_CREDENTIALS = [
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];

function first(h: Holder, actions: readonly string[], resource: string) {
    for (const action of actions) {
        const g = h.allows(action, resource);
        if (g) return { action, grant: g };
    }
    return undefined;
}

const part = (action: string, on: string, g: Grant) => `${action} on ${on} (${g.label})`;

/**
 * The admin-equivalent power a principal holds only through the combination of its policies or
 * by targeting itself; empty when it holds none beyond what single documents show.
 */
export function findPrincipalAdmin(
    p: PrincipalPolicies,
    neighbours: PrincipalNeighbours = { roles: [], users: [], adminGroups: [] },
): PrincipalFinding[] {
    // Every finding needs an IAM action; most principals hold none, and are answered here.
    if (!IAM_ACTIONS().some((a) => p.identity.some((pol) => mayAllow(pol.doc, a)))) return [];
    const h = new Holder(p);
    const out: PrincipalFinding[] = [];
    const push = (reason: PrincipalAdminReason, detail: string, grants: readonly Grant[]) =>
        out.push({ reason, detail, statements: [...new Set(grants.map((g) => g.label))] });

    // PassRole on any role + compute anywhere in what it holds.
    const anyRole = iamRoleArn(h.partition, h.account, "zq9-any-role");
    const pass = h.allows(PASS_ROLE, anyRole);
    if (pass) {
        const compute = passRoleComputeActions()
            .map((action) => ({ action, grant: h.allows(action) }))
            .filter((c): c is { action: string; grant: Grant } => c.grant !== undefined);
        const other = compute.find((c) => c.grant.policy !== pass.policy);
        // Within one document, or with a document admin-equivalent alone, the per-document check reports it.
        if (other && !docShownAlone(pass) && !docShownAlone(other.grant))
            push(
                "passrole-compute",
                `${part(PASS_ROLE, "any role", pass)} + ${other.action} (${other.grant.label}): together, code can run as any role, including an admin one`,
                [pass, other.grant],
            );
    }

    // Rewriting its own policies, its groups' policies, or a managed policy it holds.
    const selfTargets: { target: IamTarget; arn: string; what: string }[] = [];
    if (p.kind !== "group")
        selfTargets.push({ target: p.kind, arn: p.arn, what: `its own ${p.kind} (${p.arn})` });
    for (const g of p.kind === "group" ? [p.arn] : p.groups)
        selfTargets.push({ target: "group", arn: g, what: `its own group ${g}` });
    for (const m of p.managed)
        selfTargets.push({
            target: "policy",
            arn: m.arn,
            what: `${m.arn}, which it holds (${m.label})`,
        });
    for (const t of selfTargets) {
        const actions = SELF_EDITS[t.target].filter(
            (a) => p.boundary !== undefined || !BOUNDARY_EDIT.test(a),
        );
        const hit = first(h, actions, t.arn);
        if (hit && !shownAlone(hit.grant))
            push(
                "self-escalation",
                `${part(hit.action, t.what, hit.grant)}: it can grant itself any permission`,
                [hit.grant],
            );
    }

    // Taking over another role: write its policies + a way in (its trust, or creating it).
    // Only the planned roles and users its write patterns may name are tried: a principal that
    // writes no role policies costs nothing here, and one scoped to `role/app-*` a string match
    // per planned role, not a decision (a stack of thousands of roles stays linear).
    const reachable = (actions: readonly string[], arns: readonly string[]): string[] => {
        if (!actions.some((a) => p.identity.some((pol) => mayAllow(pol.doc, a)))) return [];
        const patterns = actions.flatMap((a) => h.patterns(a));
        if (patterns.some((pat) => pat.includes("${"))) return arns.filter((x) => x !== p.arn);
        return arns.filter(
            (x) => x !== p.arn && patterns.some((pat) => resourceMatches(pat, x, new Map(), false)),
        );
    };
    if (p.kind === "role" || p.kind === "user") {
        // Planned roles whose policies it may write: inline/attach on the role, or a new version
        // of a customer-managed policy the role holds.
        const managedOf = neighbours.managedOf ?? new Map<string, readonly string[]>();
        const rewritable = new Set(
            reachable(POLICY_WRITES, [...new Set([...managedOf.values()].flat())]),
        );
        const viaPolicy =
            rewritable.size === 0
                ? []
                : neighbours.roles.filter(
                      (r) => r !== p.arn && (managedOf.get(r) ?? []).some((m) => rewritable.has(m)),
                  );
        const planned = [...new Set([...reachable(ROLE_WRITES, neighbours.roles), ...viaPolicy])];
        const plannedSet = new Set(planned);
        const probes = ROLE_WRITES.flatMap((a) => h.patterns(a))
            .map((pat) => wildcardProbe(pat, "role", h.partition, h.account))
            .filter((x): x is string => x !== undefined && !plannedSet.has(x) && x !== p.arn);
        const writeOf = (target: string) => {
            const direct = first(h, ROLE_WRITES, target);
            if (direct && !shownAlone(direct.grant))
                return { text: part(direct.action, target, direct.grant), grant: direct.grant };
            for (const m of managedOf.get(target) ?? []) {
                if (!rewritable.has(m)) continue;
                const hit = first(h, POLICY_WRITES, m);
                if (hit && !shownAlone(hit.grant))
                    return {
                        text: part(hit.action, `${m}, which ${target} holds`, hit.grant),
                        grant: hit.grant,
                    };
            }
            return undefined;
        };
        for (const target of [...new Set([...planned, ...probes])]) {
            const write = writeOf(target);
            if (!write) continue;
            const inPlan = plannedSet.has(target);
            const entry = inPlan
                ? first(h, ["iam:UpdateAssumeRolePolicy"], target)
                : first(h, ["iam:CreateRole"], target);
            if (entry) {
                push(
                    "takeover",
                    `${write.text} + ${part(entry.action, target, entry.grant)}: it can ${inPlan ? "let itself into the role (which the plan creates)" : "create the role with a trust policy that lets itself in"} and give it any permission`,
                    [write.grant, entry.grant],
                );
                break;
            }
            // Or it runs code of its choosing on compute of the plan that runs as the role.
            const run = inPlan
                ? (neighbours.runAs?.get(target) ?? [])
                      .map((c) => runsCodeAs(h, c))
                      .find((x) => x !== undefined)
                : undefined;
            if (!run) continue;
            push(
                "takeover",
                `${write.text} + ${run.text}: code it chooses runs as ${target}, to which it can give any permission`,
                [write.grant, ...run.grants],
            );
            break;
        }

        // Taking over another user: write its policies + its credentials (+ creating it).
        const plannedUsers = reachable(USER_WRITES, neighbours.users);
        const plannedUserSet = new Set(plannedUsers);
        const userProbes = USER_WRITES.flatMap((a) => h.patterns(a))
            .map((pat) => wildcardProbe(pat, "user", h.partition, h.account))
            .filter((x): x is string => x !== undefined && !plannedUserSet.has(x) && x !== p.arn);
        for (const target of [...new Set([...plannedUsers, ...userProbes])]) {
            const write = first(h, USER_WRITES, target);
            if (!write || shownAlone(write.grant)) continue;
            const creds = first(h, USER_CREDENTIALS, target);
            if (!creds) continue;
            const inPlan = plannedUserSet.has(target);
            const create = inPlan ? undefined : first(h, ["iam:CreateUser"], target);
            if (!inPlan && !create) continue;
            push(
                "takeover",
                `${create ? `${part(create.action, target, create.grant)} + ` : ""}${part(write.action, target, write.grant)} + ${part(creds.action, target, creds.grant)}: it can give ${inPlan ? "that user" : "a user it creates"} any permission and sign in as it`,
                [...(create ? [create.grant] : []), write.grant, creds.grant],
            );
            break;
        }
    }

    // Joining a group that holds admin-equivalent power.
    if (p.kind === "user")
        for (const g of neighbours.adminGroups) {
            if (p.groups.includes(g.arn)) continue;
            const join = h.allows("iam:AddUserToGroup", g.arn);
            if (!join || shownAlone(join)) continue;
            push(
                "join-admin-group",
                `${part("iam:AddUserToGroup", g.arn, join)}, a group that is admin-equivalent (${g.why}): it can add itself`,
                [join],
            );
            break;
        }
    return out;
}

/** The regions a principal's resource patterns for the action name, and one for unnamed ones. */
function regionsFor(h: Holder, action: string): string[] {
    const out = new Set<string>(["us-east-1"]);
    for (const pat of h.patterns(action)) {
        const region = parseArn(pat)?.region;
        if (region && !hasWildcard(region)) out.add(region);
    }
    return [...out];
}

/**
 * The admin-equivalent power a principal holds through compute of the plan that runs as an
 * admin-equivalent role: "code I can change runs as an admin role". Two edges:
 * - iam:PassRole on a planned admin-equivalent role (named, not only `*`) whose trust lets a
 *   service in, with an action that starts code under a role passed to that service
 *   (passRoleComputeActions);
 * - an action that runs new code on an existing function, instance, project, stack, notebook,
 *   endpoint, job or task definition, service or schedule whose role is admin-equivalent (with
 *   iam:PassRole on that role where the action needs it).
 * Empty when the plan holds no such role, or the principal is one.
 */
export function findComputeAdmin(p: PrincipalPolicies, n: ComputeNeighbours): PrincipalFinding[] {
    if (n.empty) return [];
    const mentions = (action: string) => p.identity.some((pol) => mayAllow(pol.doc, action));
    // PassRole first: most principals hold none, and then the consumers are not looked at.
    const consumers = mentions(PASS_ROLE) ? passRoleComputeActions().filter(mentions) : [];
    let h: Holder | undefined;
    if (consumers.length > 0) {
        h = new Holder(p);
        const seen = new Set<AdminRole>();
        for (const pattern of h.patterns(PASS_ROLE))
            for (const r of n.rolesFor(pattern)) {
                if (seen.has(r) || r.arn === p.arn || r.services.length === 0) continue;
                seen.add(r);
                // The services that would run the role: its trust lets them in, and the principal
                // may start code in them; iam:PassedToService may name only those.
                const usable = consumers.filter((a) =>
                    passedToServices(a.split(":")[0]).some((s) => r.services.includes(s)),
                );
                const passedTo = [
                    ...new Set(
                        usable.flatMap((a) =>
                            passedToServices(a.split(":")[0]).filter((s) => r.services.includes(s)),
                        ),
                    ),
                ];
                if (passedTo.length === 0) continue;
                const pass = h.allows(PASS_ROLE, r.arn, passedTo);
                // PassRole on any role with compute in the same document is the per-document finding.
                if (!pass || shownAlone(pass)) continue;
                const holder = h;
                const compute = usable
                    .map((action) => ({ action, grant: holder.allows(action) }))
                    .find((c) => c.grant !== undefined);
                if (!compute?.grant) continue;
                return [
                    {
                        reason: "compute-as-admin",
                        detail: `${part(PASS_ROLE, r.arn, pass)} + ${compute.action} (${compute.grant.label}): it can run code as ${r.arn}, which is admin-equivalent (${r.why})`,
                        statements: [...new Set([pass.label, compute.grant.label])],
                    },
                ];
            }
    }
    for (const action of n.actions()) {
        if (!mentions(action)) continue;
        h ??= new Holder(p);
        for (const c of n.computeFor(action, h.patterns(action))) {
            if (c.roleArn === p.arn) continue;
            const run = runsCodeAs(h, c, [action]);
            if (!run) continue;
            return [
                {
                    reason: "compute-as-admin",
                    detail: `${run.text}: code it chooses runs as ${c.roleArn}, which is admin-equivalent (${c.why})`,
                    statements: [...new Set(run.grants.map((g) => g.label))],
                },
            ];
        }
    }
    return [];
}

/**
 * The first of `actions` (by default every action that runs code on `c`) the holder may take on
 * compute `c`, with the others its method takes on the same resource in one region and
 * iam:PassRole on its role where the action needs it; undefined if none.
 */
function runsCodeAs(
    h: Holder,
    c: RoleCompute,
    actions: readonly string[] = c.actions,
): { text: string; grants: Grant[] } | undefined {
    for (const action of actions) {
        const companions = c.needs?.[action] ?? [];
        let grant: Grant | undefined;
        let also: Grant[] = [];
        for (const region of regionsFor(h, action)) {
            const arn = c.arn(region, h.partition);
            grant = h.allows(action, arn);
            if (!grant) continue;
            also = companions.flatMap((x) => h.allows(x, arn) ?? []);
            if (also.length === companions.length) break;
            grant = undefined;
        }
        if (!grant) continue;
        const pass = c.passRole
            ? h.allows(PASS_ROLE, c.roleArn, passedToServices(action.split(":")[0]))
            : undefined;
        if (c.passRole && !pass) continue;
        return {
            text: `${part(action, c.what, grant)}${companions.map((x, i) => ` + ${part(x, c.what, also[i])}`).join("")}${pass ? ` + ${part(PASS_ROLE, c.roleArn, pass)}` : ""}`,
            grants: [grant, ...also, ...(pass ? [pass] : [])],
        };
    }
    return undefined;
}

let iamActions: string[] | undefined;
const IAM_ACTIONS = (): string[] =>
    (iamActions ??= principalActions().filter((a) => a.startsWith("iam:")));

/** The actions the whole-principal analysis decides: what the AWS-managed policy table keeps. */
export function principalActions(): string[] {
    return [
        ...new Set([
            PASS_ROLE,
            ...passRoleComputeActions(),
            ...IAM_ESCALATION_ACTIONS.map((e) => e.action),
            "iam:CreateRole",
            "iam:CreateUser",
            // Code run on an existing resource as its role (findComputeAdmin): an AWS-managed
            // boundary allowing ssm:SendCommand caps nothing when an instance runs as an admin role.
            ...Object.values(RUN_AS_ROLE_TYPES).flatMap((t) =>
                Object.entries(t.actions).flatMap(([a, x]) => [a, ...(x.with ?? [])]),
            ),
        ]),
    ];
}
