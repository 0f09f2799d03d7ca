// Root-session edges: sts:AssumeRoot, which centralized root access (rootAccess: centralized) makes
// possible. A principal of the management account that may call it opens a session as the root
// user of any member account, for an AWS task policy (delete root credentials, unlock a bucket or
// queue policy, allow password recovery). Only the management account and IAM's delegated
// administrator may call it, and only when RootSessions is on. Assumption (stated in the proof's
// assumptions, checked online by verify with organizations:ListDelegatedAdministrators): IAM has
// no delegated administrator (the program registers none), so only the management account's
// planned principals are asked. The
// session is taken to be admin-equivalent in its account: the search stops there, and any path to
// it that is not a declared one is a counterexample.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
import { authorize, PolicyDocument, statementMatchesAction } from "../../../policypack/iam";
import { accountRootArn } from "../../../policypack/iam/arn";
import type { AccessGraph, Edge, GraphNode } from "../graph";
import { decideWithChoice, MfaState, requestContext } from "./context";

export const ASSUME_ROOT = "sts:AssumeRoot";

/** Whether the plan turns RootSessions on (the security stack's rootAccessFeatures output). */
export function rootSessionsOn(graph: AccessGraph): boolean {
    const features = graph.input.outputs.rootAccessFeatures;
    return Array.isArray(features) && features.includes("RootSessions");
}

/** The member accounts of the plan whose root a session could be opened for. */
function memberAccounts(graph: AccessGraph, management: string): string[] {
    const ids = new Set<string>();
    for (const n of [...graph.roles, ...graph.users])
        if (n.accountId && n.accountId !== management) ids.add(n.accountId);
    return [...ids].sort();
}

export function assumeRootEdges(graph: AccessGraph, node: GraphNode, state: MfaState): Edge[] {
    const p = node.principal;
    const management = graph.input.model.managementAccountId;
    if (p?.type !== "aws" || management === undefined || p.account !== management) return [];
    if (!rootSessionsOn(graph)) return [];
    // A cheap filter: no Allow statement names the action, no edge.
    const names = node.identity.some((d) =>
        d.doc.statements.some(
            (s) => s.effect === "Allow" && statementMatchesAction(s, ASSUME_ROOT),
        ),
    );
    if (!names) return [];
    const edges: Edge[] = [];
    const base = requestContext(node, state, graph.region);
    const scps = graph.scps(p.account);
    // The caller's identity statements with its SCPs' Deny statements (none in the management
    // account), searched as one document over every key the caller chooses, as the sts:AssumeRole
    // and IAM edges do: the task policy it asks for (sts:TaskPolicyArn, one of AWS's root-task
    // policies), the Regional STS endpoint it sends to (aws:RequestedRegion: AssumeRoot has no
    // global endpoint, any Region serves), its network. A grant conditioned on one of them still
    // opens a root session.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
    const searched: PolicyDocument = {
        statements: [
            ...node.identity.flatMap((d) => d.doc.statements),
            ...(scps ?? []).flatMap((d) => d.doc.statements.filter((s) => s.effect === "Deny")),
        ],
        variables: [...node.identity, ...(scps ?? [])].some((d) => d.doc.variables),
    };
    for (const account of memberAccounts(graph, management)) {
        const resource = accountRootArn(graph.input.model.partition, account);
        // The management account is bound by no SCP; its identity policies decide. The member
        // account's root has no resource policy to ask: the request is decided as the caller's
        // own (resourceAccount), not as a cross-account one that would need one.
        const decided = decideWithChoice(
            p,
            ASSUME_ROOT,
            resource,
            state,
            base,
            searched,
            (context) =>
                authorize(
                    {
                        principal: p,
                        action: ASSUME_ROOT,
                        resource,
                        resourceAccount: p.account,
                        context,
                    },
                    { scps, identity: node.identity },
                ),
        );
        if (!decided) continue;
        const { result, context } = decided;
        edges.push({
            from: node,
            to: graph.beyond(
                `root session (sts:AssumeRoot) in ${account}`,
                account,
                `a privileged root session in member account ${account} (sts:AssumeRoot, RootSessions on): the root user of that account for an AWS task policy, taken to be admin-equivalent`,
            ),
            kind: "assume-root",
            action: ASSUME_ROOT,
            resource,
            reason: "can open a privileged root session in",
            statements: result.allows.map((a) => a.label),
            mfa: state,
            next: state,
            context,
        });
    }
    return edges;
}
