// only-break-glass-reaches-admin: in the escalation graph over every principal of the plan,
// admin-equivalent power is reachable only through break-glass with fresh MFA. The search starts
// from every IAM user of the security account in every MFA state (fresh, stale, "false", none) and
// from every GitHub token that matters, follows assume, web-identity, policy-rewrite, trust-update,
// credential, group, PassRole-with-compute, run-as, permission-set and root-session (sts:AssumeRoot,
// with centralized root access) edges, and stops at any
// admin-equivalent node: one whose policies findAdminGrants calls admin, that attaches an
// admin-equivalent AWS-managed policy, that lies outside the plan, the break-glass and log-archive
// admin roles, or a principal whose policies the caller can rewrite.
//
// Two paths are declared, and only they may reach admin:
// - a break-glass user with an MFA sign-in of the last minutes;
// - the deploy pipeline: the single GitHub claim set the security stack's `ciDeployPin` output
//   names (sub repo:O/R:environment:<deployEnvironment> and job_workflow_ref
//   O/R/<deployWorkflow>@refs/heads/<deployBranch>). It deploys everything, so it reaches the deploy
//   roles of the listed accounts (those the plans' providers assume), which are admin; any other
//   admin it reaches (a deploy role's name in an account no stack lists, such as the
//   OrganizationAccountAccessRole AWS Organizations creates in every account) is a
//   counterexample. Any other claim set (a pull request, another branch or tag, another
//   workflow or environment on the deploy branch, another repository) that reaches admin is a
//   counterexample: the fence must be exactly the pin.
//
// Applies to both stacks: the security stack holds the people, CI identities and log-archive admin;
// a workload plan adds its duty roles, seen with the security stack's principals.
import { rootSessionsOn } from "./edges/root";
import {
    AccessGraph,
    buildGraph,
    describePath,
    Edge,
    GraphNode,
    isDutyAdmin,
    MfaState,
    pathOf,
    reach,
    Step,
} from "./graph";
import { assignmentEdges, designatedGroups } from "./edges/identityCenter";
import { describeToken } from "./tokens";
import { Counterexample, Proof, ProofInput, ProofOutcome } from "./types";

const HUMAN_STATES: readonly MfaState[] = ["fresh", "stale", "false", "absent"];

/** A way to admin power: the path, why it ends in admin, and the statements that make it so. */
interface AdminPath {
    readonly edges: readonly Edge[];
    readonly why: string;
    readonly statements: readonly string[];
}

/**
 * Every way to admin power from the steps of a search: a node reached that is admin-equivalent (or
 * a break-glass duty role), and every edge out of a reached node that lets the caller rewrite a
 * principal's policies (its own included, which the search itself never follows: it goes nowhere).
 */
function adminPaths(graph: AccessGraph, steps: readonly Step[]): AdminPath[] {
    const out: AdminPath[] = [];
    for (const step of steps) {
        if (step.via && (step.node.admin || isDutyAdmin(step.node)))
            out.push({
                edges: pathOf(step),
                why: step.node.admin ?? `${step.node.id} is a break-glass duty role`,
                statements: step.node.adminStatements ?? [],
            });
        for (const e of graph.edgesFrom(step.node, step.state, "policies"))
            if (e.grantsAdmin)
                out.push({
                    edges: [...pathOf(step), e],
                    why: `${e.action} lets ${e.from.id} grant ${e.to.id} any permission`,
                    statements: [],
                });
    }
    return out;
}

/** A path of the deploy job that ends at a deploy role the plans' providers assume (a listed account's). */
function listedDeployRole(graph: AccessGraph, path: AdminPath): boolean {
    const last = path.edges[path.edges.length - 1];
    return last !== undefined && last.kind === "assume" && graph.deployRoles.has(last.to.id);
}

function startName(start: GraphNode, state: MfaState): string {
    if (start.token) return describeToken(start.token);
    const words: Record<MfaState, string> = {
        fresh: "with fresh MFA",
        stale: "with MFA older than a day",
        false: 'with aws:MultiFactorAuthPresent "false"',
        absent: "without MFA",
    };
    return `${start.id} (${start.human ? "person" : "program"}, ${words[state]})`;
}

export function proveOnlyBreakGlassReachesAdmin(input: ProofInput): ProofOutcome {
    const graph = buildGraph(input);
    const starts: { node: GraphNode; state: MfaState }[] = [
        ...graph.users.flatMap((u) =>
            (u.human ? HUMAN_STATES : (["absent"] as const)).map((state) => ({ node: u, state })),
        ),
        ...graph.tokens.map((t) => ({ node: t, state: "absent" as const })),
    ];
    const counterexamples: Counterexample[] = [];
    // A principal that holds admin power itself, whatever its MFA state: reported once.
    for (const user of graph.users)
        if (user.admin && !user.breakGlass)
            counterexamples.push({
                principal: user.id,
                path: [],
                action: "*",
                resource: "*",
                statements: user.adminStatements ?? [],
                reason: `${user.id} is admin-equivalent itself: ${user.admin}; only break-glass roles may hold admin power`,
            });
    for (const { node: start, state } of starts) {
        const declared = start.breakGlass && state === "fresh";
        if (declared || start.admin) continue;
        // The deploy job is declared for the deploy roles of the accounts the stack files list,
        // and for nothing else: a deploy role's name in any other account (where AWS Organizations
        // made OrganizationAccountAccessRole, say) is admin the program never meant to reach.
        const deploy = start.token?.deploy === true;
        const paths = adminPaths(graph, reach(graph, start, state)).filter(
            (p) => !deploy || !listedDeployRole(graph, p),
        );
        const [first, ...others] = paths;
        if (!first) continue;
        const last = first.edges[first.edges.length - 1];
        const more = others.length
            ? ` (and ${others.length} more way${others.length > 1 ? "s" : ""}, to ${[...new Set(others.map((o) => o.edges[o.edges.length - 1].to.id))].slice(0, 3).join(", ")}${others.length > 3 ? ", ..." : ""})`
            : "";
        counterexamples.push({
            principal: startName(start, state),
            path: first.edges.map((e) => e.to.id),
            action: last.action,
            resource: last.resource,
            statements: [
                ...new Set([...first.edges.flatMap((e) => e.statements), ...first.statements]),
            ],
            reason: deploy
                ? `${describePath(start, first.edges)}: the deploy job reaches admin-equivalent power (${first.why})${more} beyond the deploy roles of the accounts the stack files list; grant the deploy identity those roles only (aws:ResourceAccount, components/ciIdentity.ts deployRoleGrantPolicies)`
                : `${describePath(start, first.edges)}: reaches admin-equivalent power (${first.why})${more}; only break-glass users with fresh MFA and the declared deploy job may. Remove the grant or tighten the trust policy at the first hop that should not be there`,
        });
    }
    // IAM Identity Center: a group's members enter the role of each permission set assigned to
    // it (edges/identityCenter.ts). Only the break-glass groups may enter an admin-equivalent one.
    const groups = designatedGroups(input);
    const assignments = assignmentEdges(input);
    // A permission set the plan does not define (made by hand or by another tool) has policies
    // the proof cannot read: it is taken as admin-equivalent, like a role outside the plan.
    for (const a of assignments) {
        const role = a.roleArn ? graph.nodes.get(a.roleArn) : undefined;
        const admin = a.foreignPermissionSet
            ? "a permission set the plan does not define, whose policies are unknown"
            : role && (role.admin ?? (isDutyAdmin(role) ? "a break-glass duty role" : undefined));
        if (!admin) continue;
        if (a.principalType === "GROUP" && groups?.breakGlass.includes(a.principalId)) continue;
        const target = role?.id ?? a.roleArn ?? `${a.foreignPermissionSet} in ${a.accountId}`;
        counterexamples.push({
            principal: `Identity Store ${a.principalType.toLowerCase()} ${a.principalId}`,
            path: [target],
            action: "sts:AssumeRoleWithSAML",
            resource: target,
            statements: role?.adminStatements ?? [],
            reason: `${a.name} assigns permission set ${a.permissionSet ?? a.foreignPermissionSet} (admin-equivalent: ${admin}) in ${a.accountId} to a principal that is not one of identityCenter.breakGlassGroups; assign admin permission sets to the break-glass groups only${a.foreignPermissionSet ? ", and only permission sets this program defines" : ""}`,
        });
    }
    const nodes = graph.roles.length + graph.users.length;
    return {
        checked: starts.length * nodes + assignments.length,
        counterexamples,
        assumptions: [
            "Declared: break-glass users with an MFA sign-in of the last minutes reach the break-glass and log-archive admin roles.",
            graph.pin
                ? `Declared and fenced: the deploy job (sub repo:${graph.pin.repository}:environment:${graph.pin.environment}, job_workflow_ref ${graph.pin.repository}/${graph.pin.workflow}@refs/heads/${graph.pin.branch}) reaches the deploy roles of the listed accounts (the roles the plans' providers assume), which are admin, and no other admin; no other GitHub claim set may reach admin.`
                : "No deploy pipeline is declared (no ci in the security stack): no GitHub token may reach admin.",
            "Roles another stack of this program creates (the security stack's granted role ARNs and workloadPreviewRoleArns) that this plan does not contain are proved in that stack's plan: paths stop at them here.",
            "Roles outside the plan (the deploy roles, OrganizationAccountAccessRole, roles behind existing compute) have unknown policies: taken to be admin-equivalent and to assume nothing further.",
            "A path that begins with fresh MFA keeps it through every role it assumes (AWS does not document otherwise), which gives the attacker the most.",
            "Permissions boundaries and session policies are not modelled: they only take permissions away.",
            ...(rootSessionsOn(graph)
                ? [
                      "Centralized root access (RootSessions on): only the management account's principals can call sts:AssumeRoot. IAM has no delegated administrator, the only other account AWS accepts; the program registers none, and `npx org-access verify` fails when organizations:ListDelegatedAdministrators names one for iam.amazonaws.com.",
                  ]
                : []),
            ...(assignments.length
                ? [
                      `IAM Identity Center: ${assignments.length} assignments checked; a group's members reach exactly the roles of the permission sets assigned to it (the identity store's membership is outside the plan), and only identityCenter.breakGlassGroups may be assigned an admin-equivalent one; a permission set the plan does not define counts as admin-equivalent. Their MFA is the instance's setting (humans-need-mfa).`,
                  ]
                : []),
        ],
    };
}

export const onlyBreakGlassReachesAdmin: Proof = {
    id: "only-break-glass-reaches-admin",
    statement:
        "in the escalation graph over every principal in the plan, admin-equivalent power is reachable only through break-glass with MFA (and the declared deploy job)",
    unit: "(start, principal) questions",
    appliesTo: ["security", "workload"],
    prove: proveOnlyBreakGlassReachesAdmin,
};
