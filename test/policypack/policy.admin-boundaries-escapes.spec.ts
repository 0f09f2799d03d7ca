/**
 * iam-no-admin-grants on AWS's delegation pattern when the boundary itself is the way out (issue
 * 11 review): a boundary caps only if it grants what it bounds no way to drop or replace it, no
 * way to run code as an admin role of the plan, and a replacement grant pinned to boundaries
 * "with any condition" is not a cap by itself. Each must-flag case stood next to its must-pass.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 *
 * The pack runs as the engine runs it (checkResources: every resource check, then every stack
 * check).
 */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { checkResources, PlannedResource, Violation } from "../../policypack/runner";
import { Json, policyDoc } from "./helpers";

const A = "111122223333";
const PROVIDER = { type: "pulumi:providers:aws", name: "dev", props: { allowedAccountIds: [A] } };
const DEV_BOUNDARY = `arn:aws:iam::${A}:policy/DevBoundary`;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const SSM_FULL = "arn:aws:iam::aws:policy/AmazonSSMFullAccess";
const SSM_READ = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess";
const lambdaTrust = JSON.stringify(
    policyDoc({
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
    }),
);
const ec2Trust = JSON.stringify(
    policyDoc({
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
    }),
);
/** What the delegated roles may do at most: no IAM, no compute. */
const CAP: Json = {
    Effect: "Allow",
    Action: ["s3:*", "logs:*", "cloudwatch:*", "dynamodb:GetItem"],
    Resource: "*",
};
const ROLE_DELEGATION = [
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
];
const USER_DELEGATION = [
    "iam:CreateUser",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:DetachUserPolicy",
    "iam:DeleteUserPolicy",
];

const pinned = (boundary: string, actions: readonly string[] = ROLE_DELEGATION): Json => ({
    Sid: "CreateOrChangeOnlyWithBoundary",
    Effect: "Allow",
    Action: actions,
    Resource: "*",
    Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
});

const resource = (type: string, name: string, props: Json): PlannedResource => ({
    type,
    name,
    props,
    provider: PROVIDER,
});

/** The document in each encoding the pack must read alike. */
const ENCODINGS: ReadonlyArray<[string, (statements: Json[]) => unknown]> = [
    ["JSON string", (s) => JSON.stringify(policyDoc(...s))],
    ["object", (s) => policyDoc(...s)],
    [
        "single Statement object",
        (s) => (s.length === 1 ? { Version: "2012-10-17", Statement: s[0] } : policyDoc(...s)),
    ],
];

/** A delegating role (or user) holding `delegation` inline, the boundary DevBoundary, and `extra`. */
function stack(
    delegation: unknown,
    boundary: unknown,
    extra: PlannedResource[] = [],
    kind: "role" | "user" = "role",
): PlannedResource[] {
    return [
        resource("aws:iam/policy:Policy", "DevBoundary", { name: "DevBoundary", policy: boundary }),
        kind === "role"
            ? resource("aws:iam/role:Role", "delegate", {
                  name: "delegate",
                  assumeRolePolicy: lambdaTrust,
              })
            : resource("aws:iam/user:User", "delegate", { name: "delegate" }),
        kind === "role"
            ? resource("aws:iam/rolePolicy:RolePolicy", "delegation", {
                  name: "delegation",
                  role: "delegate",
                  policy: delegation,
              })
            : resource("aws:iam/userPolicy:UserPolicy", "delegation", {
                  name: "delegation",
                  user: "delegate",
                  policy: delegation,
              }),
        ...extra,
    ];
}

/** A Lambda function of the plan running as `fnrole`, admin-equivalent or not. */
function lambdaAs(admin: boolean): PlannedResource[] {
    return [
        resource("aws:iam/role:Role", "fnrole", {
            name: "fnrole",
            assumeRolePolicy: lambdaTrust,
            managedPolicyArns: [admin ? ADMIN : "arn:aws:iam::aws:policy/ReadOnlyAccess"],
        }),
        resource("aws:lambda/function:Function", "fn", {
            name: "fn",
            role: `arn:aws:iam::${A}:role/fnrole`,
            runtime: "nodejs20.x",
        }),
    ];
}

/** An EC2 instance of the plan running as `fnrole` through an instance profile. */
function instanceAs(admin: boolean): PlannedResource[] {
    return [
        resource("aws:iam/role:Role", "fnrole", {
            name: "fnrole",
            assumeRolePolicy: ec2Trust,
            managedPolicyArns: [admin ? ADMIN : "arn:aws:iam::aws:policy/ReadOnlyAccess"],
        }),
        resource("aws:iam/instanceProfile:InstanceProfile", "prof", {
            name: "prof",
            role: "fnrole",
        }),
        resource("aws:ec2/instance:Instance", "vm", {
            iamInstanceProfile: "prof",
            instanceType: "t3.micro",
        }),
    ];
}

const ADMIN_POLICIES = ["iam-no-admin-grants", "iam-no-admin-principals"];

/** The admin violations on the delegation (the admin role fnrole itself is flagged on its own). */
function onDelegation(resources: PlannedResource[]): Violation[] {
    return checkResources(resources).filter(
        (v) => ADMIN_POLICIES.includes(v.policy) && v.resource === "delegation",
    );
}

function assertFlagged(resources: PlannedResource[], ...facts: string[]): void {
    const v = onDelegation(resources).filter((x) => x.policy === "iam-no-admin-grants");
    assert.ok(v.length >= 1, "expected an iam-no-admin-grants violation on the delegation");
    assert.ok(v.every((x) => x.enforcementLevel === "mandatory"));
    const m = v.map((x) => x.message).join("\n");
    for (const f of facts) assert.ok(m.includes(f), `"${f}" missing:\n${m}`);
}

/** Nothing mandatory anywhere but on `except` (the admin compute role the test plans). */
function assertClean(resources: PlannedResource[], except: readonly string[] = []): void {
    const v = checkResources(resources).filter(
        (x) => x.enforcementLevel === "mandatory" && !except.includes(x.resource),
    );
    assert.deepStrictEqual(
        v.map((x) => `${x.policy} ${x.resource}: ${x.message}`),
        [],
    );
}

describe("iam-no-admin-grants: a boundary that grants a way out does not cap (issue 11 review)", () => {
    describe("the boundary lets what it bounds remove or replace its own boundary", () => {
        const ESCAPES: ReadonlyArray<[string, Json]> = [
            [
                "DeleteRolePermissionsBoundary on role/app-*",
                {
                    Effect: "Allow",
                    Action: "iam:DeleteRolePermissionsBoundary",
                    Resource: `arn:aws:iam::${A}:role/app-*`,
                },
            ],
            [
                "PutRolePermissionsBoundary on role/app-*, unconditioned",
                {
                    Effect: "Allow",
                    Action: ["iam:PutRolePermissionsBoundary"],
                    Resource: `arn:aws:iam::${A}:role/app-*`,
                },
            ],
            [
                "iam:*permissionsboundary (wildcard, lower case) on a path",
                {
                    Effect: "Allow",
                    Action: "iam:*permissionsboundary",
                    Resource: "arn:aws:iam::*:role/team/*",
                },
            ],
            [
                "PutRolePermissionsBoundary pinned to AdministratorAccess",
                {
                    Effect: "Allow",
                    Action: "iam:PutRolePermissionsBoundary",
                    Resource: `arn:aws:iam::${A}:role/app-*`,
                    Condition: { StringEquals: { "iam:PermissionsBoundary": ADMIN } },
                },
            ],
        ];
        for (const [encoding, encode] of ENCODINGS)
            for (const [name, escape] of ESCAPES)
                it(`flags: ${name}, ${encoding}`, () => {
                    assertFlagged(
                        stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, escape])),
                        "iam:PutRolePolicy",
                        DEV_BOUNDARY,
                        "may remove or replace its own boundary",
                    );
                });

        it("flags: a user boundary allowing DeleteUserPermissionsBoundary on user/app-*", () => {
            assertFlagged(
                stack(
                    policyDoc(pinned(DEV_BOUNDARY, USER_DELEGATION)),
                    policyDoc(CAP, {
                        Effect: "Allow",
                        Action: "iam:DeleteUserPermissionsBoundary",
                        Resource: `arn:aws:iam::${A}:user/app-*`,
                    }),
                    [],
                    "user",
                ),
                "iam:PutUserPolicy",
                "iam:DeleteUserPermissionsBoundary",
            );
        });

        for (const [encoding, encode] of ENCODINGS) {
            it(`passes: a replacement pinned to the same capping boundary, ${encoding}`, () => {
                const self = {
                    Effect: "Allow",
                    Action: "iam:PutRolePermissionsBoundary",
                    Resource: `arn:aws:iam::${A}:role/app-*`,
                    Condition: { StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } },
                };
                assertClean(stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, self])));
            });

            it(`passes: the boundary reads boundaries but cannot change them, ${encoding}`, () => {
                const reads = {
                    Effect: "Allow",
                    Action: ["iam:GetRole", "iam:ListRoles", "iam:GetPolicy*"],
                    Resource: "*",
                };
                assertClean(stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, reads])));
            });
        }
    });

    describe("the boundary lets what it bounds run code as an admin role of the plan", () => {
        const RUNS: ReadonlyArray<[string, Json, (admin: boolean) => PlannedResource[]]> = [
            [
                "lambda:UpdateFunctionCode on *",
                { Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*" },
                lambdaAs,
            ],
            [
                "lambda:Update* on the function's ARN",
                {
                    Effect: "Allow",
                    Action: ["lambda:Update*"],
                    Resource: `arn:aws:lambda:*:${A}:function:fn`,
                },
                lambdaAs,
            ],
            [
                "ssm:SendCommand on *",
                { Effect: "Allow", Action: "ssm:sendcommand", Resource: "*" },
                instanceAs,
            ],
        ];
        for (const [encoding, encode] of ENCODINGS)
            for (const [name, run, compute] of RUNS) {
                it(`flags: ${name} with admin compute in the plan, ${encoding}`, () => {
                    assertFlagged(
                        stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, run]), compute(true)),
                        DEV_BOUNDARY,
                        "may run code as an admin role of the plan",
                        "fnrole",
                    );
                });
                it(`passes: ${name} when the compute's role is not admin, ${encoding}`, () => {
                    assertClean(
                        stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, run]), compute(false)),
                    );
                });
            }

        for (const [encoding, encode] of ENCODINGS) {
            it(`flags: the AWS-managed boundary AmazonSSMFullAccess with an admin instance, ${encoding}`, () => {
                assertFlagged(
                    stack(encode([pinned(SSM_FULL)]), encode([CAP]), instanceAs(true)),
                    SSM_FULL,
                    "ssm:SendCommand",
                    "fnrole",
                );
            });
            it(`passes: AmazonSSMFullAccess without admin compute, ${encoding}`, () => {
                assertClean(stack(encode([pinned(SSM_FULL)]), encode([CAP]), instanceAs(false)));
            });
            it(`passes: AmazonSSMReadOnlyAccess with an admin instance, ${encoding}`, () => {
                assertClean(stack(encode([pinned(SSM_READ)]), encode([CAP]), instanceAs(true)), [
                    "fnrole",
                ]);
            });
        }
    });

    describe("the boundary lets what it bounds take over a planned role", () => {
        /** A planned role without a boundary, not admin itself: a takeover target. */
        const ops = resource("aws:iam/role:Role", "ops", {
            name: "ops",
            assumeRolePolicy: lambdaTrust,
        });
        const takeover: Json = {
            Effect: "Allow",
            Action: ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
            Resource: `arn:aws:iam::${A}:role/ops`,
        };
        for (const [encoding, encode] of ENCODINGS) {
            it(`flags: PutRolePolicy + UpdateAssumeRolePolicy on the planned role ops, ${encoding}`, () => {
                assertFlagged(
                    stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, takeover]), [ops]),
                    DEV_BOUNDARY,
                    "what it bounds is admin-equivalent through it",
                    "role/ops",
                );
            });
            it(`passes: only reading the planned role, ${encoding}`, () => {
                const read = { ...takeover, Action: ["iam:GetRole", "iam:GetRolePolicy"] };
                assertClean(stack(encode([pinned(DEV_BOUNDARY)]), encode([CAP, read]), [ops]));
            });
        }
    });

    describe("a replacement grant with a loose condition on iam:PermissionsBoundary", () => {
        const LOOSE: ReadonlyArray<[string, Json]> = [
            [
                "StringLike arn:aws:iam::*:policy/*",
                { StringLike: { "iam:PermissionsBoundary": "arn:aws:iam::*:policy/*" } },
            ],
            [
                "ArnLike any policy of the account",
                { ArnLike: { "iam:PermissionsBoundary": `arn:aws:iam::${A}:policy/*` } },
            ],
            [
                "StringEquals AdministratorAccess",
                { StringEquals: { "iam:PermissionsBoundary": ADMIN } },
            ],
            [
                "StringNotEquals DevBoundary",
                { StringNotEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } },
            ],
        ];
        const replace = (condition: Json): Json => ({
            Effect: "Allow",
            Action: "iam:PutRolePermissionsBoundary",
            Resource: `arn:aws:iam::${A}:role/app-*`,
            Condition: condition,
        });
        for (const [encoding, encode] of ENCODINGS) {
            for (const [name, condition] of LOOSE)
                it(`flags the pinned delegation: ${name}, ${encoding}`, () => {
                    assertFlagged(
                        stack(encode([pinned(DEV_BOUNDARY), replace(condition)]), encode([CAP])),
                        "iam:PutRolePolicy",
                        "arbitrary role resources",
                    );
                });
            it(`passes: the replacement pinned to the capping boundary, ${encoding}`, () => {
                assertClean(
                    stack(
                        encode([
                            pinned(DEV_BOUNDARY),
                            replace({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
                        ]),
                        encode([CAP]),
                    ),
                );
            });
        }

        it("iam-simulate: StringLike arn:aws:iam::*:policy/* admits AdministratorAccess as the new boundary", async () => {
            const result = await runSimulation(
                {
                    request: {
                        principal: `arn:aws:iam::${A}:role/delegate`,
                        action: "iam:PutRolePermissionsBoundary",
                        resource: { resource: `arn:aws:iam::${A}:role/app-x`, accountId: A },
                        contextVariables: { "iam:PermissionsBoundary": ADMIN },
                    },
                    identityPolicies: [
                        {
                            name: "delegation",
                            policy: policyDoc(replace(LOOSE[0][1])),
                        },
                    ],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                },
                {},
            );
            if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
            assert.strictEqual(result.overallResult, "Allowed");
        });
    });

    describe("one name planned twice by unpinned providers", () => {
        const unpinned = (name: string) => ({ type: "pulumi:providers:aws", name, props: {} });
        const at = (p: string, type: string, name: string, props: Json): PlannedResource => ({
            type,
            name,
            props,
            provider: unpinned(p),
        });
        const pin = pinned("arn:aws:iam::${aws:PrincipalAccount}:policy/DevBoundary");
        const rewritable = policyDoc(CAP, {
            Effect: "Allow",
            Action: "iam:CreatePolicyVersion",
            Resource: "arn:aws:iam::*:policy/DevBoundary",
        });
        const stackIn = (order: "writable-first" | "writable-last") => {
            const a = at("dev", "aws:iam/policy:Policy", "dev-boundary", {
                name: "DevBoundary",
                policy: rewritable,
            });
            const b = at("prod", "aws:iam/policy:Policy", "prod-boundary", {
                name: "DevBoundary",
                policy: policyDoc(CAP),
            });
            return [
                ...(order === "writable-first" ? [a, b] : [b, a]),
                at("dev", "aws:iam/role:Role", "delegate", {
                    name: "delegate",
                    assumeRolePolicy: lambdaTrust,
                }),
                at("dev", "aws:iam/rolePolicy:RolePolicy", "delegation", {
                    name: "delegation",
                    role: "delegate",
                    policy: policyDoc(pin),
                }),
            ];
        };
        for (const order of ["writable-first", "writable-last"] as const)
            it(`flags whichever comes last (${order}): each candidate must cap`, () => {
                assertFlagged(stackIn(order), "iam:CreatePolicyVersion");
            });
    });
});

describe("iam-no-admin-grants: delegation pins inside StackSet and stack templates (issue 11 review)", () => {
    const trust = {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
            },
        ],
    };
    const byName = { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/DevBoundary" };
    /** A template: the boundary (named or not, or none) and a role delegating with `pin`. */
    function template(boundary: "named" | "unnamed" | "none", pin: unknown, doc: Json = CAP) {
        const resources: Record<string, unknown> = {
            Delegate: {
                Type: "AWS::IAM::Role",
                Properties: {
                    RoleName: "delegate",
                    AssumeRolePolicyDocument: trust,
                    Policies: [
                        {
                            PolicyName: "delegation",
                            PolicyDocument: {
                                Version: "2012-10-17",
                                Statement: [
                                    {
                                        Effect: "Allow",
                                        Action: ROLE_DELEGATION,
                                        Resource: "*",
                                        Condition: {
                                            StringEquals: { "iam:PermissionsBoundary": pin },
                                        },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
        };
        if (boundary !== "none")
            resources.DevBoundary = {
                Type: "AWS::IAM::ManagedPolicy",
                Properties: {
                    ...(boundary === "named" ? { ManagedPolicyName: "DevBoundary" } : {}),
                    PolicyDocument: policyDoc(doc),
                },
            };
        return { AWSTemplateFormatVersion: "2010-09-09", Resources: resources };
    }
    const CARRIERS: ReadonlyArray<[string, string, (body: string) => Json]> = [
        [
            "StackSet",
            "aws:cloudformation/stackSet:StackSet",
            (body) => ({
                name: "member-roles",
                templateBody: body,
                permissionModel: "SERVICE_MANAGED",
            }),
        ],
        [
            "Stack",
            "aws:cloudformation/stack:Stack",
            (body) => ({ name: "member-roles", templateBody: body }),
        ],
    ];
    const run = (type: string, props: Json) =>
        checkResources([resource(type, "member-roles", props)]).filter(
            (v) => v.enforcementLevel === "mandatory",
        );
    for (const [carrier, type, props] of CARRIERS) {
        const flagged = (body: unknown, ...facts: string[]) => {
            const v = run(type, props(JSON.stringify(body))).filter(
                (x) => x.policy === "iam-no-admin-grants",
            );
            assert.strictEqual(v.length, 1, v.map((x) => x.message).join("\n"));
            assert.strictEqual(v[0].resource, "member-roles");
            for (const f of [
                "In the template of member-roles, resource Delegate",
                "iam:PutRolePolicy",
                ...facts,
            ])
                assert.ok(v[0].message.includes(f), `"${f}" missing:\n${v[0].message}`);
        };
        it(`${carrier}: flags a literal pin to a boundary the template does not create`, () => {
            flagged(
                template("none", byName),
                "policy/DevBoundary",
                "no aws.iam.Policy of the plan",
            );
        });
        it(`${carrier}: flags a literal pin to a ManagedPolicy without ManagedPolicyName (its name is generated)`, () => {
            flagged(template("unnamed", byName), "no aws.iam.Policy of the plan");
        });
        it(`${carrier}: flags a pin to a template boundary that lets what it bounds drop it`, () => {
            const escaping: Json = {
                Effect: "Allow",
                Action: ["s3:*", "iam:DeleteRolePermissionsBoundary"],
                Resource: "arn:aws:iam::*:role/app-*",
            };
            flagged(
                template("named", byName, escaping),
                "may remove or replace its own boundary",
                "iam:DeleteRolePermissionsBoundary",
            );
        });
        it(`${carrier}: passes a literal pin to the named template boundary (JSON and YAML)`, () => {
            const body = template("named", byName);
            assert.deepStrictEqual(run(type, props(JSON.stringify(body))), []);
            const yaml = [
                "Resources:",
                "  DevBoundary:",
                "    Type: AWS::IAM::ManagedPolicy",
                "    Properties:",
                "      ManagedPolicyName: DevBoundary",
                `      PolicyDocument: ${JSON.stringify(policyDoc(CAP))}`,
                "  Delegate:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      RoleName: delegate",
                `      AssumeRolePolicyDocument: ${JSON.stringify(trust)}`,
                "      Policies:",
                "        - PolicyName: delegation",
                "          PolicyDocument:",
                "            Version: '2012-10-17'",
                "            Statement:",
                "              - Effect: Allow",
                `                Action: ${JSON.stringify(ROLE_DELEGATION)}`,
                "                Resource: '*'",
                "                Condition:",
                "                  StringEquals:",
                "                    iam:PermissionsBoundary: !Sub 'arn:aws:iam::${AWS::AccountId}:policy/DevBoundary'",
            ].join("\n");
            assert.deepStrictEqual(run(type, props(yaml)), []);
        });
        it(`${carrier}: passes a !Ref pin to an unnamed template boundary`, () => {
            assert.deepStrictEqual(
                run(type, props(JSON.stringify(template("unnamed", { Ref: "DevBoundary" })))),
                [],
            );
        });
    }
});

describe("iam-no-admin-principals: AWS-managed policies that run code on the plan's admin compute", () => {
    // The generated table now keeps the run-as-role actions (principal.ts principalActions), so a
    // role holding AmazonSSMFullAccess runs commands as an instance's admin role.
    const HOLDERS: ReadonlyArray<[string, (arn: string) => PlannedResource[]]> = [
        [
            "managedPolicyArns",
            (arn) => [
                resource("aws:iam/role:Role", "ops", {
                    name: "ops",
                    assumeRolePolicy: lambdaTrust,
                    managedPolicyArns: [arn],
                }),
            ],
        ],
        [
            "RolePolicyAttachment",
            (arn) => [
                resource("aws:iam/role:Role", "ops", {
                    name: "ops",
                    assumeRolePolicy: lambdaTrust,
                }),
                resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ops-ssm", {
                    role: "ops",
                    policyArn: arn,
                }),
            ],
        ],
    ];
    const onOps = (rs: PlannedResource[]) =>
        checkResources(rs).filter(
            (v) =>
                v.enforcementLevel === "mandatory" &&
                (v.resource === "ops" || v.resource === "ops-ssm"),
        );
    for (const [how, holder] of HOLDERS) {
        it(`flags AmazonSSMFullAccess (${how}) with an instance running as an admin role`, () => {
            const v = onOps([...instanceAs(true), ...holder(SSM_FULL)]);
            assert.strictEqual(v.length, 1, v.map((x) => x.message).join("\n"));
            assert.strictEqual(v[0].policy, "iam-no-admin-principals");
            assert.strictEqual(v[0].resource, "ops");
            for (const f of [
                "ssm:SendCommand",
                "AmazonSSMFullAccess",
                "Instance vm",
                "role/fnrole",
            ])
                assert.ok(v[0].message.includes(f), `"${f}" missing:\n${v[0].message}`);
        });
        it(`passes AmazonSSMFullAccess (${how}) when the instance's role is not admin`, () => {
            assert.deepStrictEqual(onOps([...instanceAs(false), ...holder(SSM_FULL)]), []);
        });
        it(`passes AmazonSSMReadOnlyAccess (${how}) with an admin instance`, () => {
            assert.deepStrictEqual(onOps([...instanceAs(true), ...holder(SSM_READ)]), []);
        });
    }
});
