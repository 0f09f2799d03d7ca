import * as assert from "assert";
import { PlanResult } from "../../../plan/run";
import { accessModel } from "../../../evidence/model";
import { runProofs } from "../../../evidence/proofs";
import { buildGraph, reach } from "../../../evidence/proofs/graph";
import { onlyBreakGlassReachesAdmin } from "../../../evidence/proofs/only-break-glass-reaches-admin";
import { MANAGEMENT, PROD, SECURITY } from "../../helpers";
import { tamper, without, withPolicy, withRole } from "../../helpers/variants";
import {
    ALICE,
    CAROL,
    DANA,
    DEPLOY_IDENTITY,
    fixturePlans,
    inputs,
    OIDC,
    Plans,
    PEOPLE,
    proofInput,
    REPO,
    ROLES_SEEN,
    STAGING_AUDIT_ROLE_RESOURCES,
    USERS,
} from "./fixture";

const prove = (input: ReturnType<typeof proofInput>) =>
    runProofs(input, [onlyBreakGlassReachesAdmin])[0];

describe("proof only-break-glass-reaches-admin", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });

    it("holds on both planned stacks, and the two declared paths do reach admin", () => {
        for (const [kind, input] of Object.entries(inputs(plans))) {
            const result = prove(input);
            assert.deepStrictEqual(result.counterexamples, []);
            assert.strictEqual(result.holds, true);
            const graph = buildGraph(input);
            // Counted by hand from the fixture (fixture.ts), each node listed: 4 people in 4 MFA
            // states, the reporter without MFA, and the 2 token nodes the trust policies tell
            // apart (a pull request's, the deploy job's) = 19 starts, each asked of every role the
            // stack plans or is seen with (7 for security, 6 + 7 for workload) and of the 5 users.
            const roles = ROLES_SEEN[kind as keyof typeof ROLES_SEEN];
            assert.deepStrictEqual(graph.roles.map((r) => r.id).sort(), [...roles].sort(), kind);
            assert.deepStrictEqual(graph.users.map((u) => u.id).sort(), [...USERS].sort(), kind);
            assert.strictEqual(graph.tokens.length, 2, kind);
            const starts = PEOPLE * 4 + 1 + 2;
            assert.strictEqual(result.checked, starts * (roles.length + USERS.length), kind);
            // The deploy job reaches the deploy roles (outside the plan: admin)...
            const deploy = graph.tokens.find((t) => t.token?.deploy);
            assert.ok(deploy, "the deploy token reaches the deploy identity");
            assert.ok(
                reach(graph, deploy, "absent").some(
                    (s) =>
                        s.node.id === `arn:aws:iam::${MANAGEMENT}:role/OrgAccessDeployRole` &&
                        s.node.admin,
                ),
            );
            // ...and dana, with fresh MFA only, the break-glass and log-archive admin roles.
            const dana = graph.nodes.get(DANA)!;
            const reached = (state: "fresh" | "stale") =>
                reach(graph, dana, state)
                    .filter((s) => s.via)
                    .map((s) => s.node.id)
                    .sort();
            assert.ok(
                reached("fresh").includes(
                    `arn:aws:iam::444455556666:role/OrgAccessLogArchiveAdmin`,
                ),
            );
            assert.deepStrictEqual(reached("stale"), []);
            assert.match(
                result.assumptions.join("\n"),
                /Declared and fenced: the deploy job \(sub repo:example-org\/org-access:environment:production, job_workflow_ref example-org\/org-access\/\.github\/workflows\/deploy\.yml@refs\/heads\/main\)/,
            );
        }
        const workload = buildGraph(inputs(plans).workload);
        const fresh = reach(workload, workload.nodes.get(DANA)!, "fresh").map((s) => s.node.id);
        assert.ok(fresh.includes(`arn:aws:iam::${PROD}:role/BreakGlassRole`));
    });

    it("counts a node's share only for a node in the plan: without staging's audit role, checked drops by exactly its 19 starts", () => {
        const full = prove(proofInput(plans.workload, plans.security));
        const fewer = prove(
            proofInput(
                without(plans.workload, (r) => STAGING_AUDIT_ROLE_RESOURCES.includes(r.name)),
                plans.security,
            ),
        );
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(full.checked - fewer.checked, PEOPLE * 4 + 1 + 2);
    });

    it("fails when the auditors may rewrite their own policies (iam:PutUserPolicy on user/${aws:username})", () => {
        const broken = withPolicy(
            plans.security,
            "security-access-auditors-mfa-self-service",
            (d) =>
                d.Statement.push({
                    Sid: "SelfEscalation",
                    Effect: "Allow",
                    Action: "iam:PutUserPolicy",
                    Resource: `arn:aws:iam::${SECURITY}:user/org-access/\${aws:username}`,
                }),
        );
        const result = prove(proofInput(plans.workload, broken));
        assert.strictEqual(result.holds, false);
        // The statement is admin-equivalent in itself (self-targeting through a policy variable, at
        // the users' /org-access/ path), as iam-no-admin-grants now reports it: each auditor is an
        // admin node, whatever MFA state, as for any admin-equivalent statement (a condition or a
        // Deny elsewhere never makes an admin grant safe).
        for (const user of [ALICE, `arn:aws:iam::${SECURITY}:user/org-access/bob`]) {
            const c = result.counterexamples.find((x) => x.principal === user);
            assert.ok(c, JSON.stringify(result.counterexamples, null, 1));
            assert.deepStrictEqual(c.statements, [
                'group org-access-auditors policy mfa-self-service Statement[4] (Sid "SelfEscalation")',
            ]);
            assert.match(c.reason, /is admin-equivalent itself: .*iam:PutUserPolicy/);
        }
    });

    // A managed policy attached to a person, by any attachment kind, is read (or, with no
    // document, taken to be admin).
    for (const [kind, attachment] of [
        ["UserPolicyAttachment", { user: "alice" }],
        ["PolicyAttachment", { users: ["alice"] }],
    ] as const) {
        it(`fails when a customer-managed Action * policy is attached to alice by ${kind}`, () => {
            const broken = JSON.parse(JSON.stringify(plans.security)) as typeof plans.security;
            const base = broken.resources.find(
                (r) => r.type === "aws:iam/user:User" && r.accountId === SECURITY,
            )!;
            const policyArn = `arn:aws:iam::${SECURITY}:policy/everything`;
            const add = (type: string, name: string, props: Record<string, unknown>) =>
                broken.resources.push({
                    ...base,
                    type,
                    name,
                    urn: `${base.urn.split("::").slice(0, 2).join("::")}::${type}::${name}`,
                    id: name,
                    props,
                    secretProps: [],
                    options: { ...base.options, parent: undefined },
                });
            add("aws:iam/policy:Policy", "everything", {
                name: "everything",
                path: "/",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }],
                }),
            });
            const type =
                kind === "PolicyAttachment"
                    ? "aws:iam/policyAttachment:PolicyAttachment"
                    : "aws:iam/userPolicyAttachment:UserPolicyAttachment";
            add(type, "everything-alice", { ...attachment, policyArn });
            const result = prove(proofInput(broken, broken));
            assert.strictEqual(result.holds, false);
            const alice = result.counterexamples.filter((c) => c.principal.startsWith(ALICE));
            assert.ok(alice.length > 0, JSON.stringify(result.counterexamples, null, 1));
            assert.deepStrictEqual(alice[0].path, []);
            assert.ok(
                alice[0].statements.some((st) => /policy everything .*Sid "All"/.test(st)),
                alice[0].statements.join("\n"),
            );
        });
    }

    it("fails when the auditors get iam:PassRole on * with lambda:CreateFunction", () => {
        const broken = withPolicy(plans.security, "security-access-auditors-assume", (d) =>
            d.Statement.push({
                Sid: "PassAnyRole",
                Effect: "Allow",
                Action: ["iam:PassRole", "lambda:CreateFunction"],
                Resource: "*",
            }),
        );
        const result = prove(proofInput(plans.workload, broken));
        const alice = result.counterexamples.find((c) => c.principal === ALICE);
        assert.ok(alice);
        assert.deepStrictEqual(alice.statements, [
            'group org-access-auditors policy assume-audit-roles-with-mfa Statement[1] (Sid "PassAnyRole")',
        ]);
        assert.match(alice.reason, /passrole-compute|iam:PassRole on any role/);
    });

    it("fails when the responders' role can update the break-glass role's trust (and no SCP protects it)", () => {
        const bg = `arn:aws:iam::${PROD}:role/BreakGlassRole`;
        const ir = `arn:aws:iam::${PROD}:role/IncidentResponseRole`;
        const broken = withPolicy(
            plans.workload,
            "acct-777788889999-incident-response-response",
            (d) =>
                d.Statement.push({
                    Sid: "RewriteBreakGlassTrust",
                    Effect: "Allow",
                    Action: "iam:UpdateAssumeRolePolicy",
                    Resource: bg,
                }),
        );
        // The SCP org-access-roles (ProtectOrgAccessRoles) denies it: the proof holds.
        assert.deepStrictEqual(prove(proofInput(broken, plans.security)).counterexamples, []);
        const unguarded = withPolicy(
            plans.security,
            "guardrails-roles",
            (d) => {
                d.Statement = d.Statement.filter((s) => s.Sid !== "ProtectOrgAccessRoles");
            },
            "content",
        );
        const input = proofInput(broken, unguarded);
        const result = prove(input);
        assert.strictEqual(result.holds, false);
        const carol = result.counterexamples.filter((c) => c.principal.startsWith(CAROL));
        // Without ProtectOrgAccessRoles the duty role's name is no longer reserved: carol's
        // org-wide grant reaches a role of that name any account administrator could create. That
        // is the shortest way, so the proof names it first.
        assert.deepStrictEqual(
            carol.map((c) => [c.principal, c.path, c.action]),
            [
                [
                    `${CAROL} (person, with fresh MFA)`,
                    ["arn:aws:iam::*:role/IncidentResponseRole in o-abcdefghij"],
                    "sts:AssumeRole",
                ],
            ],
        );
        assert.match(carol[0].reason, /whose SCPs do not reserve the name/);
        // The rewrite of the break-glass trust is there too, one hop further.
        const graph = buildGraph(input);
        const start = graph.nodes.get(CAROL)!;
        const rewrite = reach(graph, start, "fresh").find(
            (s) => s.node.id === bg && s.via?.kind === "update-trust",
        );
        assert.ok(
            rewrite,
            "carol -> IncidentResponseRole -> can update the trust document of -> BreakGlassRole",
        );
        assert.strictEqual(rewrite.prev?.node.id, ir);
        assert.ok(
            rewrite.via!.statements.includes(
                'inline policy org-access-incident-response Statement[10] (Sid "RewriteBreakGlassTrust")',
            ),
            rewrite.via!.statements.join("\n"),
        );
    });

    it("fails when a token of a pull request, or of another workflow on the deploy branch, reaches the deploy roles", () => {
        // The deploy identity trusts the repository's environment alone: any job naming it gets in.
        const broken = withPolicy(
            plans.security,
            "ci-deploy-role",
            (d) => {
                delete d.Statement[0].Condition.StringEquals[`${OIDC}:job_workflow_ref`];
            },
            "assumeRolePolicy",
        );
        const result = prove(proofInput(plans.workload, broken));
        assert.strictEqual(result.holds, false);
        const origins = result.counterexamples.map(
            (c) => /^GitHub token \(([a-z-]+)\)/.exec(c.principal)?.[1],
        );
        for (const origin of ["pull-request", "other-branch", "tag", "deploy-branch"])
            assert.ok(origins.includes(origin), `${origin} in ${origins.join(", ")}`);
        const pr = result.counterexamples.find((c) =>
            c.principal.startsWith("GitHub token (pull-request)"),
        )!;
        assert.strictEqual(
            pr.principal,
            `GitHub token (pull-request) sub=repo:${REPO}:environment:production (no job_workflow_ref)`,
        );
        assert.deepStrictEqual(pr.path.slice(0, 1), [DEPLOY_IDENTITY]);
        assert.strictEqual(pr.action, "sts:AssumeRole");
        assert.ok(
            pr.statements.some((s) =>
                s.startsWith(`trust policy of ${DEPLOY_IDENTITY} Statement[0]`),
            ),
        );
        // The deploy branch's other workflows are outside the fence too.
        const other = result.counterexamples.find((c) =>
            c.principal.startsWith("GitHub token (deploy-branch)"),
        )!;
        assert.ok(!other.principal.includes("deploy.yml@refs/heads/main"), other.principal);
    });

    describe("the deploy job reaches the deploy roles of the listed accounts only", () => {
        // The deploy roles are not the program's: OrganizationAccountAccessRole is created with
        // administrator rights in every account AWS Organizations creates, so no SCP reserves the
        // name for the program (review finding 1 of issue 13).
        const deployGrantOf = (plan: PlanResult) =>
            plan.resources.filter(
                (r) => r.type === "aws:iam/policy:Policy" && /^ci-deploy-roles-\d+$/.test(r.name),
            );
        const deployToken = (input: ReturnType<typeof proofInput>) =>
            buildGraph(input).tokens.find((t) => t.token?.deploy)!;

        it("holds as planned: the deploy job's admin nodes are exactly the listed accounts' deploy roles", () => {
            for (const input of Object.values(inputs(plans))) {
                const graph = buildGraph(input);
                const admin = reach(graph, deployToken(input), "absent")
                    .filter((s) => s.via && s.node.admin)
                    .map((s) => s.node.id);
                assert.ok(admin.length > 0);
                for (const id of admin) assert.ok(graph.deployRoles.has(id), id);
            }
        });

        for (const [label, resource] of [
            ["OrganizationAccountAccessRole", "OrganizationAccountAccessRole"],
            ["OrgAccessDeployRole", "OrgAccessDeployRole"],
        ] as const)
            it(`fails on the organization-wide grant on ${label} (aws:ResourceOrgID alone)`, () => {
                assert.strictEqual(deployGrantOf(plans.security).length, 1);
                const broken = withPolicy(plans.security, "ci-deploy-roles-1", (d) => {
                    d.Statement = [
                        {
                            Sid: "AssumeDeployRoles",
                            Effect: "Allow",
                            Action: "sts:AssumeRole",
                            Resource: [`arn:aws:iam::*:role/${resource}`],
                            Condition: { StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } },
                        },
                    ];
                });
                const result = prove(proofInput(broken, broken));
                assert.strictEqual(result.holds, false);
                const c = result.counterexamples.find((x) =>
                    x.principal.includes("deploy.yml@refs/heads/main"),
                );
                assert.ok(c, result.counterexamples.map((x) => x.principal).join("\n"));
                assert.deepStrictEqual(c.path.slice(0, 1), [DEPLOY_IDENTITY]);
                assert.match(
                    c.path[1],
                    new RegExp(`^arn:aws:iam::\\*:role/${resource} in o-abcdefghij$`),
                );
                assert.match(c.reason, /deploy roles of the accounts the stack files list/);
            });
    });

    it("fails when both the break-glass role and the break-glass group accept stale MFA", () => {
        const broken = withPolicy(
            plans.workload,
            "acct-777788889999-break-glass-role",
            (d) => {
                delete d.Statement[0].Condition.NumericLessThan;
            },
            "assumeRolePolicy",
        );
        // The group's own policy still requires fresh MFA: the proof holds.
        assert.deepStrictEqual(prove(proofInput(broken, plans.security)).counterexamples, []);
        const group = withPolicy(plans.security, "break-glass-assume", (d) => {
            delete d.Statement[0].Condition.NumericLessThan;
        });
        const result = prove(proofInput(broken, group));
        assert.deepStrictEqual(
            result.counterexamples.map((c) => [c.principal, c.path]),
            [
                [
                    `${DANA} (person, with MFA older than a day)`,
                    [`arn:aws:iam::${PROD}:role/BreakGlassRole`],
                ],
            ],
        );
    });

    it("fails when it examined nothing (no principal, no token)", () => {
        const input = proofInput(plans.workload, plans.security);
        const empty = {
            ...input,
            model: { ...input.model, principals: [], roles: [] },
            security: [],
            outputs: {},
        };
        const result = prove(empty);
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });
});

describe("proof only-break-glass-reaches-admin: escalation edges", () => {
    let plans: Plans;
    before(async () => {
        plans = await fixturePlans();
    });
    const REPORTER = `arn:aws:iam::${SECURITY}:user/org-access/reporter`;
    const APP = `arn:aws:iam::${SECURITY}:role/AppRole`;
    const reportersMay = (statement: object, security = plans.security) =>
        withPolicy(security, "security-access-reporters-assume", (d) =>
            d.Statement.push(statement),
        );

    /** The security stack with AppRole: trusted by Lambda, allowed everything. */
    const withAdminLambdaRole = () =>
        withRole(
            plans.security,
            SECURITY,
            "AppRole",
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    },
                ],
            },
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        );

    it("fails when a program may pass an admin service role to Lambda (iam:PassRole + lambda:CreateFunction)", () => {
        const withApp = withAdminLambdaRole();
        const broken = reportersMay(
            {
                Sid: "DeployFunctions",
                Effect: "Allow",
                Action: ["iam:PassRole", "lambda:CreateFunction"],
                Resource: [APP, `arn:aws:lambda:us-east-1:${SECURITY}:function:*`],
            },
            withApp,
        );
        const result = prove(proofInput(broken, broken));
        const c = result.counterexamples.find((x) => x.principal.startsWith(REPORTER));
        assert.ok(c, JSON.stringify(result.counterexamples, null, 1));
        assert.deepStrictEqual(
            [c.principal, c.path, c.action, c.resource],
            [`${REPORTER} (program, without MFA)`, [APP], "iam:PassRole", APP],
        );
        assert.match(
            c.reason,
            /reporter -> can pass to lambda:CreateFunction and run as -> AppRole@111122223333/,
        );
        assert.ok(
            c.statements.includes(
                'group org-access-reporters policy assume-audit-roles Statement[1] (Sid "DeployFunctions")',
            ),
        );
    });

    it("fails when the program's Lambda write is denied on its first resource only: any resource it reaches runs code", () => {
        const fn = (name: string) => `arn:aws:lambda:us-east-1:${SECURITY}:function:${name}`;
        const withApp = withAdminLambdaRole();
        const broken = reportersMay(
            { Effect: "Deny", Action: "lambda:CreateFunction", Resource: fn("locked-*") },
            reportersMay(
                {
                    Sid: "DeployFunctions",
                    Effect: "Allow",
                    Action: ["iam:PassRole", "lambda:CreateFunction"],
                    Resource: [fn("locked-*"), fn("open-*"), APP],
                },
                withApp,
            ),
        );
        const result = prove(proofInput(broken, broken));
        const c = result.counterexamples.find((x) => x.principal.startsWith(REPORTER));
        assert.ok(c, JSON.stringify(result.counterexamples, null, 1));
        assert.deepStrictEqual(
            [c.principal, c.path, c.action, c.resource],
            [`${REPORTER} (program, without MFA)`, [APP], "iam:PassRole", APP],
        );
        assert.match(c.reason, /can pass to lambda:CreateFunction and run as -> AppRole/);
    });

    it("asks the single-action escalations on resources of the graph's partition: a GovCloud grant is an edge in a GovCloud plan, and only there", () => {
        const grantIn = (partition: string) =>
            reportersMay({
                Sid: "UpdateFunctions",
                Effect: "Allow",
                Action: "lambda:UpdateFunctionCode",
                Resource: `arn:${partition}:lambda:*:${SECURITY}:function:*`,
            });
        const runAs = (security: typeof plans.security, partition: string) => {
            const model = accessModel({ stack: plans.workload, security });
            const graph = buildGraph(proofInput(plans.workload, security, { ...model, partition }));
            return graph
                .edgesFrom(graph.nodes.get(REPORTER)!, "absent")
                .filter((e) => e.kind === "run-as")
                .map((e) => `${e.action} ${e.resource}`);
        };
        const gov = `lambda:UpdateFunctionCode arn:aws-us-gov:lambda:us-east-1:${SECURITY}:function:zq9`;
        const commercial = `lambda:UpdateFunctionCode arn:aws:lambda:us-east-1:${SECURITY}:function:zq9`;
        assert.deepStrictEqual(runAs(grantIn("aws-us-gov"), "aws-us-gov"), [gov]);
        assert.deepStrictEqual(runAs(grantIn("aws"), "aws"), [commercial]);
        // A grant of another partition's functions reaches none of this one's.
        assert.deepStrictEqual(runAs(grantIn("aws"), "aws-us-gov"), []);
        assert.deepStrictEqual(runAs(grantIn("aws-us-gov"), "aws"), []);
    });

    it("follows access keys and group membership, and loses MFA on the way (so neither reaches admin here)", () => {
        const dangerous = reportersMay({
            Sid: "TakeOverBreakGlass",
            Effect: "Allow",
            Action: ["iam:CreateAccessKey", "iam:AddUserToGroup"],
            Resource: [DANA, `arn:aws:iam::${SECURITY}:group/org-access/org-access-break-glass`],
        });
        const input = proofInput(plans.workload, dangerous);
        const graph = buildGraph(input);
        const reporter = graph.nodes.get(REPORTER)!;
        const kinds = graph
            .edgesFrom(reporter, "absent")
            .map((e) => `${e.kind} ${e.action} -> ${e.to.id} (${e.next})`)
            .sort();
        assert.deepStrictEqual(
            kinds.filter((k) => !k.startsWith("assume")),
            [
                `credentials iam:CreateAccessKey -> ${DANA} (absent)`,
                `join-group iam:AddUserToGroup -> ${REPORTER} in group arn:aws:iam::${SECURITY}:group/org-access/org-access-break-glass (absent)`,
            ],
        );
        // Dana's keys carry no MFA and the break-glass trust demands it; the proof holds.
        assert.deepStrictEqual(prove(input).counterexamples, []);
    });

    it("fails when a program may tag itself with a duty (iam:TagUser): the roles' trust designates people by tag", () => {
        const retag = reportersMay({
            Sid: "TagMyself",
            Effect: "Allow",
            Action: "iam:TagUser",
            Resource: REPORTER,
        });
        const input = proofInput(plans.workload, retag);
        const graph = buildGraph(input);
        const edges = graph
            .edgesFrom(graph.nodes.get(REPORTER)!, "absent")
            .filter((e) => e.action === "iam:TagUser");
        assert.deepStrictEqual(
            edges.map((e) => [e.to.id, e.reason, e.grantsAdmin]),
            [[REPORTER, "can retag itself with any duty", true]],
        );
        const found = prove(input).counterexamples.filter((c) => c.principal.startsWith(REPORTER));
        assert.ok(
            found.some((c) => c.action === "iam:TagUser" && c.resource === REPORTER),
            JSON.stringify(found),
        );
    });

    it("holds when the tagging is limited to the quarantine key (aws:TagKeys): no designating tag can be set", () => {
        const quarantineOnly = reportersMay({
            Sid: "QuarantineOnly",
            Effect: "Allow",
            Action: "iam:TagUser",
            Resource: REPORTER,
            Condition: {
                "ForAllValues:StringEquals": { "aws:TagKeys": ["org-access-quarantine"] },
            },
        });
        const input = proofInput(plans.workload, quarantineOnly);
        const graph = buildGraph(input);
        assert.deepStrictEqual(
            graph
                .edgesFrom(graph.nodes.get(REPORTER)!, "absent")
                .filter((e) => e.action === "iam:TagUser"),
            [],
        );
        assert.deepStrictEqual(prove(input).counterexamples, []);
    });

    // IAM tag keys are case-insensitive (a user tagged ORG-ACCESS:DUTY carries the key the trust
    // reads), but StringEquals on aws:TagKeys compares case-sensitively: a list of the lower-case
    // keys does not keep the upper-case ones out.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#case-sensitivity
    const retagEdges = (security: PlanResult) => {
        const input = proofInput(plans.workload, security);
        const graph = buildGraph(input);
        return {
            edges: graph
                .edgesFrom(graph.nodes.get(REPORTER)!, "absent")
                .filter((e) => e.action === "iam:TagUser" || e.action === "iam:CreateUser")
                .map((e) => [e.action, e.to.id, e.grantsAdmin]),
            found: prove(input).counterexamples.filter((c) => c.principal.startsWith(REPORTER)),
        };
    };
    const DESIGNATING = ["org-access:duty", "org-access:principal-type"];
    const caseCases: [string, () => PlanResult][] = [
        [
            "a Deny of the designating keys by ForAnyValue:StringEquals",
            () =>
                withPolicy(plans.security, "security-access-reporters-assume", (d) => {
                    d.Statement.push({
                        Sid: "TagMyself",
                        Effect: "Allow",
                        Action: "iam:TagUser",
                        Resource: REPORTER,
                    });
                    d.Statement.push({
                        Sid: "NotDesignating",
                        Effect: "Deny",
                        Action: "iam:TagUser",
                        Resource: "*",
                        Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": DESIGNATING } },
                    });
                }),
        ],
        [
            "an Allow of other keys by ForAllValues:StringNotEquals",
            () =>
                reportersMay({
                    Sid: "OtherKeys",
                    Effect: "Allow",
                    Action: "iam:TagUser",
                    Resource: REPORTER,
                    Condition: { "ForAllValues:StringNotEquals": { "aws:TagKeys": DESIGNATING } },
                }),
        ],
    ];
    for (const [what, security] of caseCases)
        it(`fails when tagging is limited by ${what}: the keys in another case designate all the same`, () => {
            const { edges, found } = retagEdges(security());
            assert.deepStrictEqual(edges, [["iam:TagUser", REPORTER, true]]);
            assert.ok(
                found.some((c) => c.action === "iam:TagUser" && c.resource === REPORTER),
                JSON.stringify(found),
            );
        });

    it("holds when the designating keys are denied by StringEqualsIgnoreCase: no case gets through", () => {
        const denied = withPolicy(plans.security, "security-access-reporters-assume", (d) => {
            d.Statement.push({
                Sid: "TagMyself",
                Effect: "Allow",
                Action: "iam:TagUser",
                Resource: REPORTER,
            });
            d.Statement.push({
                Sid: "NotDesignating",
                Effect: "Deny",
                Action: "iam:TagUser",
                Resource: "*",
                Condition: {
                    "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": DESIGNATING },
                },
            });
        });
        assert.deepStrictEqual(retagEdges(denied), { edges: [], found: [] });
    });

    it("fails when a program may create and tag users at user/*/<name>: an instance falls under the people's path", () => {
        const { edges, found } = retagEdges(
            reportersMay({
                Sid: "CreateAnywhere",
                Effect: "Allow",
                Action: ["iam:CreateUser", "iam:TagUser"],
                Resource: `arn:aws:iam::${SECURITY}:user/*/evil`,
            }),
        );
        assert.deepStrictEqual(
            edges.find((e) => e[1] === `new users at /org-access/ of ${SECURITY}`),
            ["iam:CreateUser", `new users at /org-access/ of ${SECURITY}`, true],
        );
        assert.ok(
            found.some(
                (c) => c.action === "iam:CreateUser" && c.reason.includes("can create and tag"),
            ),
            JSON.stringify(found),
        );
    });

    it("holds when a program may create and tag users only under another path", () => {
        const { edges, found } = retagEdges(
            reportersMay({
                Sid: "CreateElsewhere",
                Effect: "Allow",
                Action: ["iam:CreateUser", "iam:TagUser"],
                Resource: `arn:aws:iam::${SECURITY}:user/contractors/*/evil`,
            }),
        );
        assert.deepStrictEqual(edges, []);
        assert.deepStrictEqual(found, []);
    });

    it("fails when a program may create and tag users at the people's path (iam:CreateUser + iam:TagUser)", () => {
        const create = reportersMay({
            Sid: "CreatePeople",
            Effect: "Allow",
            Action: ["iam:CreateUser", "iam:TagUser"],
            Resource: `arn:aws:iam::${SECURITY}:user/org-access/new-*`,
        });
        const found = prove(proofInput(plans.workload, create)).counterexamples.filter((c) =>
            c.principal.startsWith(REPORTER),
        );
        assert.ok(
            found.some(
                (c) => c.action === "iam:CreateUser" && c.reason.includes("can create and tag"),
            ),
            JSON.stringify(found),
        );
    });

    it("fails when the roles SCP no longer targets the root: the org-wide grant reaches a same-named role any member account could create", () => {
        // As planned the SCP at the root reserves the names: the proof holds.
        assert.deepStrictEqual(
            prove(proofInput(plans.workload, plans.security)).counterexamples,
            [],
        );
        const onlySecurity = tamper(
            plans.security,
            (r) =>
                r.type === "aws:organizations/policyAttachment:PolicyAttachment" &&
                r.name.startsWith("guardrails-roles-r-"),
            (props) => ({ ...props, targetId: SECURITY }),
        );
        const found = prove(proofInput(plans.workload, onlySecurity)).counterexamples;
        const alice = found.find((c) =>
            c.principal.startsWith(`arn:aws:iam::${SECURITY}:user/org-access/alice`),
        );
        assert.ok(alice, JSON.stringify(found.map((c) => c.reason)));
        assert.deepStrictEqual(alice.path, [
            "arn:aws:iam::*:role/SecurityAuditRole in o-abcdefghij",
        ]);
        assert.match(
            alice.reason,
            /whose SCPs do not reserve the name \(ProtectOrgAccessRoles at the root\)/,
        );
    });

    describe("an org bound that is no bound: the grant reaches a role outside the organization", () => {
        const ALICE_ = `arn:aws:iam::${SECURITY}:user/org-access/alice`;
        const bound = (condition: Record<string, unknown>, asString = false) =>
            withPolicy(plans.security, "security-access-auditors-assume", (d) => {
                const s = d.Statement[0];
                delete s.Condition.StringEquals;
                Object.assign(s.Condition, condition);
                // Statement as a single object, Resource as a string: the same grant.
                if (asString) {
                    s.Resource = s.Resource[0];
                    (d as Record<string, unknown>).Statement = s;
                }
            });
        const outside = (security: PlanResult) =>
            prove(proofInput(plans.workload, security)).counterexamples.find(
                (c) =>
                    c.principal.startsWith(ALICE_) &&
                    c.path[0] === "arn:aws:iam::*:role/SecurityAuditRole" &&
                    /outside organization o-abcdefghij/.test(c.reason),
            );
        const cases: [string, Record<string, unknown>, boolean][] = [
            ["no bound at all", {}, false],
            [
                "StringEqualsIfExists (absent outside every organization)",
                { StringEqualsIfExists: { "aws:ResourceOrgID": "o-abcdefghij" } },
                false,
            ],
            [
                "ForAllValues:StringEquals (true when absent)",
                { "ForAllValues:StringEquals": { "aws:ResourceOrgID": ["o-abcdefghij"] } },
                true,
            ],
            [
                "StringLike with a wildcard organization",
                { StringLike: { "aws:ResourceOrgID": "o-*" } },
                true,
            ],
            [
                "StringNotEquals another organization",
                { StringNotEquals: { "aws:ResourceOrgID": "o-zzzzzzzzzz" } },
                false,
            ],
            // The other organization is any id but the program's: the proof derives it from the
            // condition's own values and patterns, not from one fixed id.
            [
                "StringEquals the organization and a partner's",
                { StringEquals: { "aws:ResourceOrgID": ["o-abcdefghij", "o-partner1234"] } },
                false,
            ],
            [
                "ForAnyValue:StringEquals the organization and a partner's",
                {
                    "ForAnyValue:StringEquals": {
                        "aws:ResourceOrgID": ["o-abcdefghij", "o-partner1234"],
                    },
                },
                false,
            ],
            [
                "StringEqualsIgnoreCase a partner's, upper-case",
                {
                    StringEqualsIgnoreCase: {
                        "aws:ResourceOrgID": ["O-ABCDEFGHIJ", "O-PARTNER1234"],
                    },
                },
                false,
            ],
            [
                "StringLike a prefix of the organization",
                { StringLike: { "aws:ResourceOrgID": "o-a*" } },
                false,
            ],
            [
                "StringNotLike a few ids' prefixes: another id is still outside them",
                { StringNotLike: { "aws:ResourceOrgID": ["o-abcdefghij", "o-zq9*", "o-9qz*"] } },
                false,
            ],
            [
                "StringLike any id of the organization's length",
                { StringLike: { "aws:ResourceOrgID": "o-??????????" } },
                false,
            ],
        ];
        for (const [what, condition, asString] of cases)
            it(what, () => {
                const c = outside(bound(condition, asString));
                assert.ok(c, what);
                assert.strictEqual(c.action, "sts:AssumeRole");
            });

        it("ForAnyValue:StringEquals on the single-valued key: false when the key is absent or another organization's, so it bounds (AWS advises against set operators on single-valued keys)", () => {
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
            assert.strictEqual(
                outside(
                    bound({
                        "ForAnyValue:StringEquals": { "aws:ResourceOrgID": ["o-abcdefghij"] },
                    }),
                ),
                undefined,
            );
        });

        it("StringEquals on the organization (as built), also as a single statement object: bounded", () => {
            assert.strictEqual(outside(plans.security), undefined);
            assert.strictEqual(
                outside(bound({ StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } }, true)),
                undefined,
            );
            assert.deepStrictEqual(
                prove(
                    proofInput(
                        plans.workload,
                        bound({ StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } }, true),
                    ),
                ).counterexamples,
                [],
            );
        });
    });
});
