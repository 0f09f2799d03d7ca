import * as assert from "assert";
import { runProofs } from "../../../evidence/proofs";
import { buildGraph, describePath, pathOf, reach } from "../../../evidence/proofs/graph";
import { humansNeedMfa } from "../../../evidence/proofs/humans-need-mfa";
import { PROD, SECURITY, STAGING } from "../../helpers";
import { without, withPolicy, withRole } from "../../helpers/variants";
import {
    ALICE,
    fixturePlans,
    inputs,
    PEOPLE,
    Plans,
    proofInput,
    ROLES_SEEN,
    STAGING_AUDIT_ROLE_RESOURCES,
    USERS,
} from "./fixture";

const MFA_TRUE = {
    Bool: { "aws:MultiFactorAuthPresent": "true" },
    NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
};

describe("proof humans-need-mfa", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });

    it("holds on both planned stacks, deciding every (person, no-MFA state, role) question", () => {
        for (const [kind, input] of Object.entries(inputs(plans))) {
            const [result] = runProofs(input, [humansNeedMfa]);
            assert.deepStrictEqual(result.counterexamples, []);
            assert.strictEqual(result.holds, true);
            // alice, bob, carol and dana are people; the reporter is a program.
            const people = input.model.principals.filter((p) => !/reporter/.test(p.arn)).length;
            assert.strictEqual(people, PEOPLE);
            const graph = buildGraph(input);
            assert.deepStrictEqual(graph.users.map((u) => u.id).sort(), [...USERS].sort());
            assert.deepStrictEqual(
                graph.users.filter((u) => u.human).length,
                PEOPLE,
                "the reporter is no person",
            );
            // Counted by hand from the fixture (fixture.ts): 4 people x 2 no-MFA states (no key,
            // "false") x the roles the stack plans or is seen with (7 for security, 6 + 7 for
            // workload), each listed.
            const roles = ROLES_SEEN[kind as keyof typeof ROLES_SEEN];
            assert.deepStrictEqual(graph.roles.map((r) => r.id).sort(), [...roles].sort(), kind);
            assert.strictEqual(result.checked, PEOPLE * 2 * roles.length, kind);
        }
    });

    it("counts a role's share only for a role in the plan: without staging's audit role, checked drops by exactly 4 people x 2 states", () => {
        const prove = (workload: typeof plans.workload) =>
            runProofs(proofInput(workload, plans.security), [humansNeedMfa])[0];
        const full = prove(plans.workload);
        const fewer = prove(
            without(plans.workload, (r) => STAGING_AUDIT_ROLE_RESOURCES.includes(r.name)),
        );
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(full.checked - fewer.checked, PEOPLE * 2);
    });

    it("asks of every role, the staging audit role too: its trust without MFA is a counterexample naming it", () => {
        const broken = withPolicy(
            plans.workload,
            `acct-${STAGING}-role`,
            (d) => {
                // The designation (path and tags) stays; only the MFA operator is loosened.
                const c = d.Statement[0].Condition;
                delete c.Bool;
                delete c.NumericLessThan;
                c.BoolIfExists = { "aws:MultiFactorAuthPresent": "true" };
            },
            "assumeRolePolicy",
        );
        const [result] = runProofs(proofInput(broken, plans.security), [humansNeedMfa]);
        assert.strictEqual(result.holds, false);
        const reached = [...new Set(result.counterexamples.map((c) => c.path[c.path.length - 1]))];
        assert.deepStrictEqual(reached, [`arn:aws:iam::${STAGING}:role/SecurityAuditRole`]);
    });

    it("fails when an audit role's trust accepts BoolIfExists MFA: a person reaches it with long-term keys", () => {
        const broken = withPolicy(
            plans.workload,
            "acct-777788889999-role",
            (d) => {
                // The designation (path and tags) stays; only the MFA operator is loosened.
                const c = d.Statement[0].Condition;
                delete c.Bool;
                delete c.NumericLessThan;
                c.BoolIfExists = { "aws:MultiFactorAuthPresent": "true" };
            },
            "assumeRolePolicy",
        );
        const [result] = runProofs(proofInput(broken, plans.security), [humansNeedMfa]);
        assert.strictEqual(result.holds, false);
        const role = `arn:aws:iam::${PROD}:role/SecurityAuditRole`;
        const alice = result.counterexamples.find((c) => c.principal === ALICE);
        assert.ok(alice, JSON.stringify(result.counterexamples));
        assert.deepStrictEqual(alice.path, [role]);
        assert.strictEqual(alice.action, "sts:AssumeRole");
        assert.strictEqual(alice.resource, role);
        assert.ok(
            alice.statements.includes(`trust policy of ${role} Statement[0] (Sid "HumansWithMfa")`),
            alice.statements.join(),
        );
        assert.match(alice.reason, /without an MFA key \(long-term access keys\)/);
        // Both people the statement names, and nobody else, and only this role.
        assert.deepStrictEqual(
            [...new Set(result.counterexamples.map((c) => `${c.principal} ${c.resource}`))].sort(),
            [ALICE, `arn:aws:iam::${SECURITY}:user/org-access/bob`].map((p) => `${p} ${role}`),
        );
    });

    describe("role chaining", () => {
        const roleA = `arn:aws:iam::${SECURITY}:role/ChainA`;
        const roleB = `arn:aws:iam::${SECURITY}:role/ChainB`;
        const chain = (trustB: unknown) =>
            withRole(
                withRole(
                    plans.security,
                    SECURITY,
                    "ChainA",
                    {
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { AWS: ALICE },
                                Action: "sts:AssumeRole",
                                Condition: MFA_TRUE,
                            },
                        ],
                    },
                    {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleB }],
                    },
                ),
                SECURITY,
                "ChainB",
                trustB,
            );

        it("holds for person -> (MFA) roleA -> roleB when roleB trusts roleA only: the path starts with MFA", () => {
            const security = chain({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { AWS: roleA }, Action: "sts:AssumeRole" },
                ],
            });
            const input = proofInput(security, security);
            const [result] = runProofs(input, [humansNeedMfa]);
            assert.deepStrictEqual(result.counterexamples, []);
            // The chain is in the graph, and only with MFA.
            const graph = buildGraph(input);
            const alice = graph.nodes.get(ALICE)!;
            const withMfa = reach(graph, alice, "fresh").find((s) => s.node.id === roleB);
            assert.ok(withMfa);
            assert.strictEqual(
                describePath(alice, pathOf(withMfa)),
                "alice -> (MFA) can assume -> ChainA@111122223333 -> can assume -> ChainB@111122223333",
            );
            assert.ok(
                !reach(graph, alice, "absent", "trust-alone").some((s) => s.node.id === roleB),
            );
        });

        it("fails when roleB, reached by roleA's session, trusts the whole security account without MFA", () => {
            const security = chain({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                        Action: "sts:AssumeRole",
                    },
                ],
            });
            const [result] = runProofs(proofInput(security, security), [humansNeedMfa]);
            assert.strictEqual(result.holds, false);
            const found = result.counterexamples.filter((c) => c.principal === ALICE);
            assert.deepStrictEqual(
                found.map((c) => ({ path: c.path, action: c.action, resource: c.resource })),
                [{ path: [roleB], action: "sts:AssumeRole", resource: roleB }],
            );
            assert.ok(found[0].statements.includes(`trust policy of ${roleB} Statement[0]`));
            // Every person of the security account gets in the same way; the program is not a person.
            assert.deepStrictEqual(
                result.counterexamples.map((c) => c.principal).sort(),
                [
                    ALICE,
                    ...["bob", "break-glass/dana-breakglass", "carol"].map(
                        (u) => `arn:aws:iam::${SECURITY}:user/org-access/${u}`,
                    ),
                ].sort(),
            );
        });
    });

    // A condition on a key the caller sends keeps no person out: the proof searches those keys.
    for (const [what, condition] of [
        ["an ExternalId", { StringEquals: { "sts:ExternalId": "abc" } }],
        ["a source network", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }],
    ] as const) {
        it(`fails when a role trusts the security account without MFA but with ${what}: the caller chooses it`, () => {
            const role = `arn:aws:iam::${SECURITY}:role/Chosen`;
            const security = withRole(plans.security, SECURITY, "Chosen", {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                        Action: "sts:AssumeRole",
                        Condition: condition,
                    },
                ],
            });
            const [result] = runProofs(proofInput(security, security), [humansNeedMfa]);
            assert.strictEqual(result.holds, false);
            const alice = result.counterexamples.filter((c) => c.principal === ALICE);
            assert.deepStrictEqual(
                alice.map((c) => ({ path: c.path, action: c.action, resource: c.resource })),
                [{ path: [role], action: "sts:AssumeRole", resource: role }],
            );
            assert.ok(
                alice[0].statements.includes(`trust policy of ${role} Statement[0]`),
                alice[0].statements.join(),
            );
        });
    }

    it("fails when it examined nothing (no person in the plan)", () => {
        const input = proofInput(plans.workload, plans.security);
        const empty = { ...input, model: { ...input.model, principals: [] } };
        const [result] = runProofs(empty, [humansNeedMfa]);
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });
});
