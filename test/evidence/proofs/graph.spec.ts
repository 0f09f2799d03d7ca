// The access graph's sts:AssumeRole edges, decided by the project's evaluator, against
// @cloud-copilot/iam-simulate (AGPL; a devDependency used here only, as an oracle): every
// (caller, planned role, MFA state) of the fixture plans, with the callers' real identity
// policies, the SCPs of their account and the roles' trust policies as the plans write them.
import * as assert from "assert";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { buildGraph, GraphNode, MfaState } from "../../../evidence/proofs/graph";
import { MFA_CONTEXT } from "../../../evidence/proofs/edges/context";
import { PlanResult } from "../../../plan/run";
import auditManaged from "../../../policypack/iam/data/audit-managed-policies.json";
import { SECURITY } from "../../helpers";
import { withRole } from "../../helpers/variants";
import { ALICE, fixturePlans, inputs, Plans } from "./fixture";

const MANAGED = (auditManaged as { policies: Record<string, { document: unknown }> }).policies;
const FULL_AWS_ACCESS = {
    name: "FullAWSAccess",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

type Raw = { name: string; policy: unknown };

/** The raw documents of the plans, as the simulator wants them. */
function rawDocuments(plans: readonly PlanResult[]) {
    const all = plans.flatMap((p) => p.resources);
    const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const roleOf = (arn: string) =>
        all.find(
            (r) =>
                r.type === "aws:iam/role:Role" &&
                `arn:aws:iam::${r.accountId}:role${String(r.props.path ?? "/")}${String(r.props.name)}` ===
                    arn,
        );
    return {
        trust(arn: string): unknown {
            return json(roleOf(arn)!.props.assumeRolePolicy);
        },
        identity(node: GraphNode): Raw[] {
            if (node.kind === "user") {
                const name = node.id.split("/").pop()!;
                const groups = all
                    .filter(
                        (r) =>
                            r.type === "aws:iam/userGroupMembership:UserGroupMembership" &&
                            r.props.user === name,
                    )
                    .flatMap((r) => r.props.groups as string[]);
                return all
                    .filter(
                        (r) =>
                            r.type === "aws:iam/groupPolicy:GroupPolicy" &&
                            groups.includes(String(r.props.group)),
                    )
                    .map((r) => ({ name: r.name, policy: json(r.props.policy) }));
            }
            const role = roleOf(node.id)!;
            const mine = (type: string) =>
                all.filter(
                    (r) =>
                        r.type === type &&
                        r.accountId === role.accountId &&
                        r.props.role === role.props.name,
                );
            return [
                ...mine("aws:iam/rolePolicy:RolePolicy").map((r) => ({
                    name: r.name,
                    policy: json(r.props.policy),
                })),
                ...mine("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => {
                    const name = String(r.props.policyArn).split("/").pop()!;
                    // A customer-managed policy the plan creates (the CI deploy identity's
                    // deploy-role grant), else an AWS-managed one.
                    const planned = all.find(
                        (p) =>
                            p.type === "aws:iam/policy:Policy" &&
                            p.accountId === role.accountId &&
                            p.props.name === name,
                    );
                    return {
                        name,
                        policy: planned ? json(planned.props.policy) : MANAGED[name].document,
                    };
                }),
            ];
        },
        scps(accountId: string, management: string): Raw[] | undefined {
            if (accountId === management) return undefined;
            const attached = all.filter(
                (r) =>
                    r.type === "aws:organizations/policyAttachment:PolicyAttachment" &&
                    (r.props.targetId === accountId || String(r.props.targetId).startsWith("r-")),
            );
            return all
                .filter(
                    (r) =>
                        r.type === "aws:organizations/policy:Policy" &&
                        attached.some((a) => a.props.policyId === r.id),
                )
                .map((r) => ({ name: r.name, policy: json(r.props.content) }));
        },
    };
}

/** Every AssumeRole question of the plans, decided by the graph and by the simulator. */
async function crossCheck(plans: Plans) {
    const input = inputs(plans).workload;
    const graph = buildGraph(input);
    const raw = rawDocuments([plans.security, plans.workload]);
    const management = String(input.model.managementAccountId);
    const callers = [
        ...graph.users,
        ...graph.roles.filter((r) => r.identity.length > 0 && !r.admin),
    ];
    const tally = { allowed: 0, denied: 0 };
    const witnessed: { context?: Readonly<Record<string, unknown>> }[] = [];
    const disagreements: string[] = [];
    for (const caller of callers) {
        const p = caller.principal as Extract<GraphNode["principal"], { type: "aws" }>;
        const identity = raw.identity(caller);
        const scps = raw.scps(p.account, management);
        const states: MfaState[] =
            caller.kind === "user" ? ["fresh", "stale", "false", "absent"] : ["absent"];
        for (const state of states) {
            const edges = graph.edgesFrom(caller, state).filter((e) => e.kind === "assume");
            for (const role of graph.roles) {
                if (role === caller) continue;
                const edge = edges.find((e) => e.to === role);
                const mine = edge !== undefined;
                if (edge?.context && Object.keys(edge.context).some((k) => k === k.toLowerCase()))
                    witnessed.push(edge);
                const simulation: Simulation = {
                    request: {
                        principal: p.arn,
                        action: "sts:AssumeRole",
                        resource: { resource: role.id, accountId: role.accountId! },
                        // An edge is sent with the context that decided it (the values the
                        // caller chose, found by the witness search); a refusal with the
                        // edge state's own context.
                        contextVariables: {
                            ...(edge?.context ?? {
                                ...MFA_CONTEXT[state],
                                ...(caller.context ?? {}),
                                "aws:RequestedRegion": graph.region,
                                "aws:SecureTransport": "true",
                            }),
                            "aws:PrincipalArn": p.roleArn ?? p.arn,
                            "aws:PrincipalAccount": p.account,
                            ...(caller.kind === "user" ? { "aws:username": p.name } : {}),
                        },
                    },
                    identityPolicies: identity,
                    serviceControlPolicies: scps
                        ? [{ orgIdentifier: "r-abcd", policies: [FULL_AWS_ACCESS, ...scps] }]
                        : [],
                    resourceControlPolicies: [],
                    resourcePolicy: raw.trust(role.id),
                };
                const result = await runSimulation(simulation, {});
                assert.notStrictEqual(result.resultType, "error", JSON.stringify(result));
                const theirs = result.resultType !== "error" && result.overallResult === "Allowed";
                if (theirs) tally.allowed++;
                else tally.denied++;
                if (mine !== theirs)
                    disagreements.push(
                        `${caller.id} (${state}) -> ${role.id}: graph ${mine}, simulator ${theirs}`,
                    );
            }
        }
    }
    return { disagreements, tally, witnessed };
}

describe("access graph: sts:AssumeRole edges agree with @cloud-copilot/iam-simulate", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });

    it("for every user and role session of the plans, every planned role and every MFA state", async function () {
        this.timeout(300000);
        const { disagreements, tally } = await crossCheck(plans);
        assert.deepStrictEqual(disagreements, []);
        // The sample exercises both answers: people into their roles with MFA, the rest refused.
        assert.ok(tally.allowed >= 10 && tally.denied >= 100, JSON.stringify(tally));
    });

    it("sends the witness context of an edge the search found: a no-MFA trust on an ExternalId", async function () {
        this.timeout(300000);
        const security = withRole(plans.security, SECURITY, "Chosen", {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    // Naming alice: in her own account the trust alone lets her in.
                    Principal: { AWS: ALICE },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "sts:ExternalId": "abc" } },
                },
            ],
        });
        const { disagreements, witnessed } = await crossCheck({ ...plans, security });
        assert.deepStrictEqual(disagreements, []);
        // The edges into Chosen are decided on the caller's chosen ExternalId.
        assert.ok(
            witnessed.some((e) => e.context?.["sts:externalid"] === "abc"),
            JSON.stringify(witnessed.map((e) => e.context)),
        );
    });
});
