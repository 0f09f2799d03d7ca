// STS edges: sts:AssumeRole from a user or a role session, and sts:AssumeRoleWithWebIdentity from
// a GitHub token. Each is one request decided by authorize(): the caller's identity policies, the
// SCPs of the caller's account (none in the management account), and the role's trust policy.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
import {
    ASSUME_ROLE,
    ASSUME_ROLE_WEB_IDENTITY,
    authorize,
    classifyFederatedPrincipal,
    hasWildcard,
    isGithubIssuer,
    NamedPolicy,
    parseArn,
    parsePolicyDocument,
    statementMatchesAction,
} from "../../../policypack/iam";
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

/** An organization id that is not the program's: a role of another organization carries one. */
const FOREIGN_ORGANIZATION = "o-zq9zq9zq9zq9";

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
        // aws:ResourceOrgID) or of another one (the attacker's: some other id): either.
        const orgId = target.resourceOrgId;
        const orgs: (string | null | undefined)[] =
            orgId === null ? [null, FOREIGN_ORGANIZATION] : [orgId];
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
                        { scps: graph.scps(p.account), identity, trust: target.trust },
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

/** The GitHub OIDC providers a trust policy's web-identity statements name. */
function githubProviders(role: GraphNode): string[] {
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
