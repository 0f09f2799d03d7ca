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
import { wildcardProbe } from "../../../policypack/iam/principal";
import type { AccessGraph, AssumeMode, Edge, GraphNode } from "../graph";
import { tokenContext } from "../tokens";
import { decideWithChoice, MfaState, requestContext } from "./context";

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
                                : graph.external(pattern, `named by ${policy.label}`, pattern),
                        );
                    continue;
                }
                const probe = outsideRoleProbe(pattern, graph.partition);
                if (probe)
                    out.add(
                        graph.external(
                            pattern,
                            `any role matching ${pattern}, named by ${policy.label}`,
                            probe,
                        ),
                    );
            }
        }
    }
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
    const context = requestContext(node, state, graph.region);
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
        // a condition on them keeps no person out. authorize() confirms the witness.
        const decided = decideWithChoice(
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
        );
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
