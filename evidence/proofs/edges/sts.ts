// STS edges: sts:AssumeRole from a user or a role session, and sts:AssumeRoleWithWebIdentity from
// a GitHub token. Each is one request decided by authorize(): the caller's identity policies, the
// SCPs of the caller's account (none in the management account), and the role's trust policy.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
import {
    ASSUME_ROLE,
    ASSUME_ROLE_WEB_IDENTITY,
    authorize,
    classifyFederatedPrincipal,
    globMatch,
    hasWildcard,
    isGithubIssuer,
    NamedPolicy,
    parseArn,
    parsePolicyDocument,
    PolicyDocument,
    statementMatchesAction,
} from "../../../policypack/iam";
import { instantiateGlob } from "../../../policypack/iam/wildcard";
import { iamArn } from "../../../policypack/iam/arn";
import { wildcardProbe } from "../../../policypack/iam/principal";
import type { AccessGraph, AssumeMode, Edge, GraphNode } from "../graph";
import { tokenContext } from "../tokens";
import { decideWithChoice, fixedKeys, MfaState, requestContext } from "./context";

/**
 * An ARN a role outside the plan could have and the pattern matches (undefined when the pattern
 * reaches no role): the one implementation, shared with the policy pack's whole-principal analysis.
 */
export function outsideRoleProbe(pattern: string, partition: string): string | undefined {
    return wildcardProbe(pattern, "role", partition);
}

/**
 * In its own account a role's trust that names the caller's ARN is enough: no identity policy
 * needs to allow (an explicit Deny still applies). This statement stands for that rule.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
function sameAccountWaiver(roleArn: string): NamedPolicy {
    return {
        label: "(the trust policy names the caller in its own account: no identity Allow needed)",
        doc: parsePolicyDocument(
            {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ASSUME_ROLE, Resource: roleArn }],
            },
            "identity",
        ),
    };
}

function trustNames(trust: NamedPolicy | undefined, arns: readonly string[]): boolean {
    return (trust?.doc.statements ?? []).some(
        (s) => s.effect === "Allow" && (s.principal?.aws ?? []).some((a) => arns.includes(a)),
    );
}

/** The roles the caller could assume: those whose trust names it, and those outside the plan its policies name. */
function candidates(graph: AccessGraph, node: GraphNode): Set<GraphNode> {
    const p = node.principal;
    const out = new Set<GraphNode>();
    if (p?.type !== "aws") return out;
    const { byArn, byAccount, anyone } = graph.trustIndex;
    for (const arn of [p.arn, p.roleArn])
        if (arn) for (const r of byArn.get(arn.toLowerCase()) ?? []) out.add(r);
    for (const r of byAccount.get(p.account) ?? []) out.add(r);
    for (const r of anyone) out.add(r);
    for (const policy of node.identity) {
        for (const s of policy.doc.statements) {
            if (s.effect !== "Allow" || !statementMatchesAction(s, ASSUME_ROLE)) continue;
            for (const pattern of s.notResource ? ["*"] : (s.resource ?? ["*"])) {
                const planned = graph.nodes.get(pattern);
                if (planned?.kind === "role") continue;
                if (!hasWildcard(pattern)) {
                    const a = parseArn(pattern);
                    if (a?.service === "iam" && a.resource.startsWith("role/"))
                        out.add(
                            graph.programRoles.has(pattern)
                                ? graph.elsewhere(pattern)
                                : graph.external(
                                      pattern,
                                      `named by ${policy.label}`,
                                      pattern,
                                      graph.organizationId,
                                  ),
                        );
                    continue;
                }
                for (const n of patternCandidates(graph, pattern, policy.label)) out.add(n);
            }
        }
    }
    return out;
}

/**
 * Organization ids unlike any a policy names: a role of another organization carries some id the
 * caller's attacker chooses (any but the program's); one that matches none of the values a
 * condition names stands for every such id a negated bound (StringNotEquals X) lets in.
 */
const UNNAMED_ORGANIZATIONS = ["o-zq9zq9zq9zq9", "o-9qz9qz9qz9qz", "o-x7x7x7x7x7x7"];

const namedOrgs = new WeakMap<PolicyDocument, readonly string[]>();
/** The values and patterns the document's conditions on aws:ResourceOrgID name. */
function orgValues(doc: PolicyDocument): readonly string[] {
    let v = namedOrgs.get(doc);
    if (!v) {
        v = doc.statements.flatMap((s) =>
            s.conditions.filter((c) => c.keyLower === "aws:resourceorgid").flatMap((c) => c.values),
        );
        namedOrgs.set(doc, v);
    }
    return v;
}

/**
 * The organization ids other than `own` a request to a role outside the organization is tried
 * with: each value the policies' conditions on aws:ResourceOrgID name, and each pattern
 * instantiated (a wildcard filled short and long, lower-cased: organization ids are lower-case),
 * so a bound that names another organization (`StringEquals [own, partner]`, `StringLike o-a*`,
 * `o-??????????`) is found to let it in; plus one id matching none of them, for negated bounds.
 * Any other id matches the same named values as one of these, so decides the same.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 */
export function foreignOrganizations(
    own: string,
    docs: readonly (PolicyDocument | undefined)[],
): string[] {
    const named = [...new Set(docs.flatMap((d) => (d ? orgValues(d) : [])))];
    const out = new Set<string>();
    for (const v of named)
        for (const id of instantiateGlob(v, ["", "zq9", "zq9zq9zq9zq9zq9"]))
            if (id.toLowerCase() !== own.toLowerCase()) out.add(id.toLowerCase());
    const unnamed = UNNAMED_ORGANIZATIONS.find(
        (id) => id !== own && !named.some((v) => globMatch(v, id, true)),
    );
    out.add(unnamed ?? UNNAMED_ORGANIZATIONS.find((id) => id !== own)!);
    return [...out];
}

const byPattern = new WeakMap<AccessGraph, Map<string, GraphNode[]>>();
/**
 * The roles a wildcard Resource of an sts:AssumeRole grant can reach beyond the trust index:
 * - in each account the program knows (graph.knownAccounts), the role the pattern names there:
 *   a role of the plan (reached through the trust index), a role of this program another stack
 *   plans (the security stack's outputs list their exact ARNs: grantedAuditRoleArns...), or a
 *   deploy role the providers assume (outside the plan: admin-equivalent, as before);
 * - a role outside the plan in an account outside the organization (aws:ResourceOrgID absent);
 * - a role outside the plan in another account of the organization, unless an SCP at the root
 *   reserves the pattern's path and name (graph.reservedInOrganization: ProtectOrgAccessRoles),
 *   in which case only the deploy and StackSet execution roles could have made one.
 * Without a known organization, one node whose aws:ResourceOrgID the caller chooses, as before.
 * Cached per pattern: the same grant serves every user of a group.
 */
function patternCandidates(graph: AccessGraph, pattern: string, label: string): GraphNode[] {
    let cache = byPattern.get(graph);
    if (!cache) byPattern.set(graph, (cache = new Map()));
    const key = `${pattern}|${label}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const out: GraphNode[] = [];
    const org = graph.organizationId;
    const a = parseArn(pattern);
    if (org && a?.service === "iam" && a.account === "*" && !hasWildcard(a.resource))
        for (const account of graph.knownAccounts) {
            const exact = iamArn(a.partition, account, a.resource);
            const planned = graph.nodes.get(exact);
            if (planned?.kind === "role") continue;
            if (graph.programRoles.has(exact)) out.push(graph.elsewhere(exact));
            // A deploy role the program's providers assume: outside the plan, admin-equivalent,
            // as when the grant named it exactly.
            else if (graph.deployRoles.has(exact))
                out.push(graph.external(exact, `named by ${label}`, exact, org));
            // Any other role of the name in an account of the organization is the node below
            // (reserved, or a way in). The management account is bound by no SCP: its
            // administrators, who hold the organization already, are the only ones who could make
            // a role of the name there (an assumption, docs/proofs.md).
        }
    const probe = outsideRoleProbe(pattern, graph.partition);
    if (probe && !org)
        out.push(graph.external(pattern, `any role matching ${pattern}, named by ${label}`, probe));
    else if (probe && org) {
        out.push(
            graph.external(
                pattern,
                `any role matching ${pattern} in an account outside organization ${org}, named by ${label}`,
                probe,
                null,
            ),
        );
        if (!graph.reservedInOrganization(probe))
            out.push(
                graph.external(
                    pattern,
                    `any role matching ${pattern} in an account of organization ${org} whose SCPs do not reserve the name (ProtectOrgAccessRoles at the root), named by ${label}`,
                    probe,
                    org,
                    `${pattern} in ${org}`,
                ),
            );
    }
    cache.set(key, out);
    return out;
}

/**
 * sts:AssumeRole edges out of a user or a role session. With `trust-alone`, the caller's own
 * identity policies are taken to allow (for a role of the plan): the trust policy must hold alone.
 */
export function assumeEdges(
    graph: AccessGraph,
    node: GraphNode,
    state: MfaState,
    mode: AssumeMode,
): Edge[] {
    const p = node.principal;
    if (p?.type !== "aws") return [];
    const callerArns = [p.arn, p.roleArn].filter((a): a is string => a !== undefined);
    const base = requestContext(node, state, graph.region);
    const edges: Edge[] = [];
    for (const target of candidates(graph, node)) {
        if (target === node) continue;
        const resource = target.probe ?? target.id;
        const identity =
            mode === "trust-alone" && target.kind === "role"
                ? undefined
                : target.accountId === p.account && trustNames(target.trust, callerArns)
                  ? [...node.identity, sameAccountWaiver(resource)]
                  : node.identity;
        // The trust is searched over the keys the caller chooses (an ExternalId, its network):
        // a condition on them keeps no person out. authorize() confirms the witness. The caller's
        // own tags and the role's organization are not its choice.
        // A role outside the organization (null) is in an account of no organization (no
        // aws:ResourceOrgID) or of another one (the attacker's: any id but the program's, tried
        // as each id the conditions name or match, and one they do not): any of them.
        const orgId = target.resourceOrgId;
        const scps = graph.scps(p.account);
        const orgs: (string | null | undefined)[] =
            orgId === null
                ? [
                      null,
                      ...foreignOrganizations(graph.organizationId ?? "", [
                          ...node.identity.map((d) => d.doc),
                          ...(scps ?? []).map((d) => d.doc),
                          target.trust?.doc,
                      ]),
                  ]
                : [orgId];
        let decided: ReturnType<typeof decideWithChoice>;
        for (const org of orgs) {
            const context = typeof org === "string" ? { ...base, "aws:ResourceOrgID": org } : base;
            decided = decideWithChoice(
                p,
                ASSUME_ROLE,
                resource,
                state,
                context,
                target.trust?.doc,
                (ctx) =>
                    authorize(
                        { principal: p, action: ASSUME_ROLE, resource, context: ctx },
                        { scps, identity, trust: target.trust },
                    ),
                fixedKeys(node, target.trust?.doc, org),
            );
            if (decided) break;
        }
        if (!decided) continue;
        const { result } = decided;
        edges.push({
            from: node,
            to: target,
            kind: "assume",
            action: ASSUME_ROLE,
            resource,
            reason: "can assume",
            statements: result.allows.map((a) => a.label),
            mfa: state,
            next: state,
            context: decided.context,
        });
    }
    return edges;
}

/**
 * The GitHub OIDC providers a trust policy's web-identity statements name. Asked for every token
 * and every federated-trust role (the IAM Identity Center roles are thousands at 1,000 accounts),
 * so computed once per role.
 */
const githubProvidersOf = new WeakMap<GraphNode, string[]>();
function githubProviders(role: GraphNode): string[] {
    let providers = githubProvidersOf.get(role);
    if (!providers) githubProvidersOf.set(role, (providers = readGithubProviders(role)));
    return providers;
}

function readGithubProviders(role: GraphNode): string[] {
    return [
        ...new Set(
            (role.trust?.doc.statements ?? [])
                .filter(
                    (s) =>
                        s.effect === "Allow" && statementMatchesAction(s, ASSUME_ROLE_WEB_IDENTITY),
                )
                .flatMap((s) => s.principal?.federated ?? [])
                .filter((f) => isGithubIssuer(classifyFederatedPrincipal(f).issuer)),
        ),
    ];
}

/**
 * sts:AssumeRoleWithWebIdentity edges out of a GitHub token: the trust policy alone decides (no
 * identity policy, and SCPs bind no principal outside the organization). What the role's session
 * then holds carries no MFA.
 */
export function webIdentityEdges(graph: AccessGraph, token: GraphNode): Edge[] {
    if (!token.token) return [];
    const edges: Edge[] = [];
    for (const role of graph.trustIndex.federated) {
        for (const provider of githubProviders(role)) {
            const result = authorize(
                {
                    principal: { type: "federated", provider },
                    action: ASSUME_ROLE_WEB_IDENTITY,
                    context: {
                        ...tokenContext(token.token),
                        "aws:RequestedRegion": graph.region,
                    },
                },
                { trust: role.trust },
            );
            if (result.decision !== "Allow") continue;
            edges.push({
                from: token,
                to: role,
                kind: "web-identity",
                action: ASSUME_ROLE_WEB_IDENTITY,
                resource: role.id,
                reason: "can assume with its web identity",
                statements: result.allows.map((a) => a.label),
                mfa: "absent",
                next: "absent",
            });
            break;
        }
    }
    return edges;
}
