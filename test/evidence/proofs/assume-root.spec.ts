// sts:AssumeRoot in the escalation graph (evidence/proofs/edges/root.ts): with centralized root
// access on, a principal of the management account allowed sts:AssumeRoot reaches a root session
// in a member account, which only-break-glass-reaches-admin treats as admin-equivalent.
import * as assert from "assert";
import { runProofs } from "../../../evidence/proofs";
import { assumeRootEdges } from "../../../evidence/proofs/edges/root";
import { buildGraph } from "../../../evidence/proofs/graph";
import { onlyBreakGlassReachesAdmin } from "../../../evidence/proofs/only-break-glass-reaches-admin";
import { PlanResult } from "../../../plan/run";
import { LOG_ARCHIVE, SECURITY } from "../../helpers";
import { withPolicy } from "../../helpers/variants";
import { fixturePlans, Plans, PREVIEW_IDENTITY, proofInput } from "./fixture";

const prove = (security: PlanResult) =>
    runProofs(proofInput(security, security), [onlyBreakGlassReachesAdmin])[0];

/** The plan with the security stack's output saying which root access features it turns on. */
const withFeatures = (plan: PlanResult, features?: string[]): PlanResult => ({
    ...plan,
    outputs: { ...plan.outputs, rootAccessFeatures: features },
});

const grantAssumeRoot = (plan: PlanResult, extra: Record<string, unknown>[] = []) =>
    withPolicy(plan, "ci-preview-policy", (d) =>
        d.Statement.push(
            { Sid: "Root", Effect: "Allow", Action: "sts:AssumeRoot", Resource: "*" },
            ...extra,
        ),
    );

describe("sts:AssumeRoot edges (centralized root access)", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });

    it("holds as planned with RootSessions on: no planned principal may call sts:AssumeRoot", () => {
        const result = prove(
            withFeatures(plans.security, ["RootCredentialsManagement", "RootSessions"]),
        );
        assert.deepStrictEqual(result.counterexamples, []);
        assert.strictEqual(result.holds, true);
    });

    it("fails when a management-account identity reachable by a pull request may call sts:AssumeRoot", () => {
        const broken = grantAssumeRoot(
            withFeatures(plans.security, ["RootCredentialsManagement", "RootSessions"]),
        );
        const result = prove(broken);
        assert.strictEqual(result.holds, false);
        const root = result.counterexamples.filter((c) => c.action === "sts:AssumeRoot");
        assert.ok(root.length > 0, "a root session is reached");
        const members = [
            `arn:aws:iam::${LOG_ARCHIVE}:root`,
            `arn:aws:iam::${SECURITY}:root`,
        ].sort();
        for (const c of root) assert.ok(members.includes(c.resource), c.resource);
        // The graph has an edge to a root session in every member account of the plan.
        const graph = buildGraph(proofInput(broken, broken));
        const edges = assumeRootEdges(graph, graph.nodes.get(PREVIEW_IDENTITY)!, "absent");
        assert.deepStrictEqual(edges.map((e) => e.resource).sort(), members);
        for (const e of edges) {
            assert.strictEqual(e.kind, "assume-root");
            assert.ok(e.to.admin, e.to.id);
        }
        for (const c of root) {
            assert.match(c.principal, /^GitHub token \(pull-request\)/);
            assert.deepStrictEqual(c.path.slice(0, 1), [PREVIEW_IDENTITY]);
            assert.ok(
                c.statements.some((s) => s.includes("Root")),
                c.statements.join("; "),
            );
        }
    });

    it("needs RootSessions: without centralized root access, or with credentials management only, the grant opens nothing", () => {
        for (const features of [undefined, ["RootCredentialsManagement"]]) {
            const result = prove(grantAssumeRoot(withFeatures(plans.security, features)));
            assert.deepStrictEqual(
                result.counterexamples.filter((c) => c.action === "sts:AssumeRoot"),
                [],
                String(features),
            );
            assert.strictEqual(result.holds, true, String(features));
        }
    });

    // The caller chooses the task policy it asks for and the Regional STS endpoint it calls: a
    // grant conditioned on either still opens a root session (the witness search of edges/sts.ts).
    for (const [what, condition, key] of [
        [
            "a task policy (sts:TaskPolicyArn)",
            {
                ArnEquals: {
                    "sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
                },
            },
            "sts:TaskPolicyArn",
        ],
        [
            "another Region (aws:RequestedRegion)",
            { StringEquals: { "aws:RequestedRegion": "ap-southeast-2" } },
            "aws:RequestedRegion",
        ],
    ] as const)
        it(`finds the root session when the grant is conditioned on ${what}, which the caller chooses`, () => {
            const broken = withPolicy(
                withFeatures(plans.security, ["RootCredentialsManagement", "RootSessions"]),
                "ci-preview-policy",
                (d) =>
                    d.Statement.push({
                        Sid: "RootTask",
                        Effect: "Allow",
                        Action: "sts:AssumeRoot",
                        Resource: "*",
                        Condition: condition,
                    }),
            );
            const result = prove(broken);
            assert.strictEqual(result.holds, false);
            const root = result.counterexamples.filter((c) => c.action === "sts:AssumeRoot");
            assert.ok(root.length > 0, "a root session is reached");
            const graph = buildGraph(proofInput(broken, broken));
            const edges = assumeRootEdges(graph, graph.nodes.get(PREVIEW_IDENTITY)!, "absent");
            assert.deepStrictEqual(
                edges.map((e) => e.resource).sort(),
                [`arn:aws:iam::${LOG_ARCHIVE}:root`, `arn:aws:iam::${SECURITY}:root`].sort(),
            );
            const [value] = Object.values(Object.values(condition)[0]);
            for (const e of edges) {
                assert.ok(
                    e.statements.some((l) => l.includes("RootTask")),
                    e.statements.join(),
                );
                const chosen = Object.entries(e.context ?? {}).find(
                    ([k]) => k.toLowerCase() === key.toLowerCase(),
                );
                assert.deepStrictEqual(chosen?.[1], value, JSON.stringify(e.context));
            }
        });

    it("finds no root session when a Deny covers every Region the grant's condition allows", () => {
        const result = prove(
            withPolicy(withFeatures(plans.security, ["RootSessions"]), "ci-preview-policy", (d) =>
                d.Statement.push(
                    {
                        Sid: "RootTask",
                        Effect: "Allow",
                        Action: "sts:AssumeRoot",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-3" } },
                    },
                    {
                        Sid: "NoRootAnywhere",
                        Effect: "Deny",
                        Action: "sts:AssumeRoot",
                        Resource: "*",
                        Condition: { StringLike: { "aws:RequestedRegion": "*" } },
                    },
                ),
            ),
        );
        assert.deepStrictEqual(
            result.counterexamples.filter((c) => c.action === "sts:AssumeRoot"),
            [],
        );
    });

    it("states its assumption that IAM has no delegated administrator, only when RootSessions is on", () => {
        const on = prove(withFeatures(plans.security, ["RootSessions"]));
        const line = on.assumptions.find((a) => a.includes("delegated administrator"));
        assert.ok(line, on.assumptions.join("\n"));
        assert.match(
            line,
            /organizations:ListDelegatedAdministrators names one for iam\.amazonaws\.com/,
        );
        const off = prove(withFeatures(plans.security, ["RootCredentialsManagement"]));
        assert.ok(!off.assumptions.some((a) => a.includes("sts:AssumeRoot")));
    });

    it("respects an explicit Deny of sts:AssumeRoot", () => {
        const result = prove(
            grantAssumeRoot(withFeatures(plans.security, ["RootSessions"]), [
                { Sid: "NoRoot", Effect: "Deny", Action: "sts:AssumeRoot", Resource: "*" },
            ]),
        );
        assert.strictEqual(result.holds, true);
    });
});
