// humans-need-mfa: every path by which a human identity reaches any role requires MFA, role
// chaining included. The search starts from every IAM user created for a person (auditors,
// incident responders, break-glass users; reporters are programs) once with no MFA key at all
// (long-term access keys) and once with aws:MultiFactorAuthPresent "false"; every role it reaches
// is a counterexample, with the path and the statements that let it through.
//
// The first hop weighs the role's trust policy alone: the person's own identity policies (the
// group's Deny-without-MFA) live in the security account, where an administrator can change them,
// so a role in another account must not depend on them (as evidence/simulate.ts poses its
// "assume-without-mfa" scenario). Later hops are role sessions, decided with their real policies.
//
// Applies to both stacks: the security stack's own roles (log-archive admin, preview roles) and,
// through input.security, the workload stack's audit and duty roles seen with the security
// stack's people.
import { PERMISSION_SET_ROLE_PREFIX } from "../model";
import { buildGraph, describePath, GraphNode, MfaState, pathOf, reach } from "./graph";
import { Counterexample, Proof, ProofInput, ProofOutcome } from "./types";

const NO_MFA: readonly MfaState[] = ["absent", "false"];

const STATE_WORDS: Readonly<Record<string, string>> = {
    absent: "without an MFA key (long-term access keys)",
    false: 'with aws:MultiFactorAuthPresent "false"',
};

const isRole = (n: GraphNode) =>
    n.kind === "role" || n.kind === "external-role" || n.kind === "program-role";

export function proveHumansNeedMfa(input: ProofInput): ProofOutcome {
    const graph = buildGraph(input);
    const humans = graph.users.filter((u) => u.human);
    const counterexamples: Counterexample[] = [];
    const reported = new Set<string>();
    for (const human of humans) {
        for (const state of NO_MFA) {
            for (const step of reach(graph, human, state, "trust-alone")) {
                if (!step.via || !isRole(step.node)) continue;
                const key = `${human.id}|${step.node.id}`;
                if (reported.has(key)) continue;
                reported.add(key);
                const edges = pathOf(step);
                const last = edges[edges.length - 1];
                counterexamples.push({
                    principal: human.id,
                    path: edges.map((e) => e.to.id),
                    action: last.action,
                    resource: last.resource,
                    statements: last.statements,
                    reason: `${describePath(human, edges)}: a person reaches ${step.node.id} ${STATE_WORDS[state]}; require MFA in the trust policy of the role the path enters without it (Bool aws:MultiFactorAuthPresent "true" and NumericLessThan aws:MultiFactorAuthAge), not BoolIfExists, and no trust that lets any principal of an account in without it`,
                });
            }
        }
    }
    const targets = graph.roles.length;
    // People who sign in through IAM Identity Center reach the roles its permission sets provision
    // by SAML, through the instance: their MFA is the instance's setting, which no API exposes.
    const viaIdentityCenter = input.model.roles.filter((r) =>
        r.name.startsWith(PERMISSION_SET_ROLE_PREFIX),
    ).length;
    return {
        // Every (person, no-MFA state, planned role) question decided.
        checked: humans.length * NO_MFA.length * targets,
        counterexamples,
        assumptions: [
            "People are the IAM users of the security stack that are not programs: every user but the reporters (and users tagged org-access:principal-type=machine).",
            'Without MFA a request carries no aws:MultiFactorAuthPresent key (long-term access keys) or the value "false"; a role session cannot add MFA of its own, so a path that starts without MFA never gains it.',
            "A person's first hop is decided by the role's trust policy (and the SCPs) alone: the person's identity policies, which an administrator of the security account can change, are taken to allow.",
            "Roles another stack of this program creates (the security stack's granted role ARNs and workloadPreviewRoleArns) that this plan does not contain are proved in that stack's plan: paths stop at them here.",
            "Roles outside the plan that a person's policies name have unknown trust policies and are taken to let the person in.",
            ...(viaIdentityCenter > 0
                ? [
                      `ASSUMED, NOT PROVED: the ${viaIdentityCenter} roles IAM Identity Center's permission sets provision (AWSReservedSSO_*) are entered by SAML sign-ins to the access portal, and the instance requires MFA at every sign-in. That is a setting of the instance that no API reads or sets, so a person checks it in the console (docs/runbook.md#iam-identity-center; the report's Identity Center section).`,
                  ]
                : []),
        ],
    };
}

export const humansNeedMfa: Proof = {
    id: "humans-need-mfa",
    statement:
        "every path by which a person reaches a role requires MFA, including paths through other roles",
    unit: "(person, no-MFA state, role) questions",
    appliesTo: ["security", "workload"],
    prove: proveHumansNeedMfa,
};
