/**
 * iam-no-admin-grants and iam-no-admin-principals on AWS's delegation pattern (issue 11): a role
 * or user may create roles and users and write their policies only with a customer-managed
 * permissions boundary of the plan that caps them and that it cannot rewrite or remove.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 *
 * The pack runs as the engine runs it (checkResources: every resource check, then every stack
 * check), since one mandatory violation anywhere on the safe pattern is a false alarm.
 */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
    ASSUME_PLANNED,
    findAdminGrants,
    NO_PLAN,
    parsePolicyDocument,
    PlannedPolicies,
} from "../../policypack/iam";
import { iamNoAdminGrants } from "../../policypack/policies";
import { checkResources, PlannedResource, Violation } from "../../policypack/runner";
import { Json, policyDoc, runResourcePolicy, runStackPolicy, UNKNOWN_STRING } from "./helpers";
import { StackValidationPolicy } from "@pulumi/policy";

const A = "111122223333";
const PROVIDER = { type: "pulumi:providers:aws", name: "dev", props: { allowedAccountIds: [A] } };
const DEV_BOUNDARY = `arn:aws:iam::${A}:policy/DevBoundary`;
const TEAM_BOUNDARY = `arn:aws:iam::${A}:policy/boundaries/TeamBoundary`;
const TRUST = JSON.stringify(
    policyDoc({
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
    }),
);
/** What the delegated roles may do at most: no IAM, no compute that runs a passed role. */
const CAP = policyDoc({
    Effect: "Allow",
    Action: ["s3:*", "logs:*", "cloudwatch:*", "dynamodb:GetItem"],
    Resource: "*",
});

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
    "iam:PutUserPermissionsBoundary",
];

type Kind = "role" | "user";

/** The delegation statement: the actions, only with the boundary the condition names. */
const pinned = (
    condition: Json,
    actions: readonly string[] = ROLE_DELEGATION,
    extra: Json = {},
): Json => ({
    Sid: "CreateOrChangeOnlyWithBoundary",
    Effect: "Allow",
    Action: actions,
    Resource: "*",
    Condition: condition,
    ...extra,
});

const resource = (type: string, name: string, props: Json): PlannedResource => ({
    type,
    name,
    props,
    provider: PROVIDER,
});
const policy = (name: string, doc: unknown, path?: string) =>
    resource("aws:iam/policy:Policy", name, { name, ...(path ? { path } : {}), policy: doc });

/** The document in each encoding the pack must read alike. */
const ENCODINGS: ReadonlyArray<[string, (statements: Json[]) => unknown]> = [
    ["JSON string", (s) => JSON.stringify(policyDoc(...s))],
    ["object", (s) => policyDoc(...s)],
    [
        "single Statement object",
        (s) => (s.length === 1 ? { Version: "2012-10-17", Statement: s[0] } : policyDoc(...s)),
    ],
];

/** How the delegation document reaches the delegating principal. */
type Carrier = "inline" | "attachment" | "role inlinePolicies";

/** A stack: the boundaries, a delegating role or user, and its delegation document. */
function stack(
    kind: Kind,
    carrier: Carrier,
    doc: unknown,
    boundaries: PlannedResource[] = [policy("DevBoundary", JSON.stringify(CAP))],
): PlannedResource[] {
    const principal =
        kind === "role"
            ? resource("aws:iam/role:Role", "delegate", {
                  name: "delegate",
                  assumeRolePolicy: TRUST,
                  ...(carrier === "role inlinePolicies"
                      ? { inlinePolicies: [{ name: "delegation", policy: doc }] }
                      : {}),
              })
            : resource("aws:iam/user:User", "delegate", { name: "delegate" });
    const held: PlannedResource[] =
        carrier === "inline"
            ? [
                  resource(
                      `aws:iam/${kind}Policy:${kind === "role" ? "Role" : "User"}Policy`,
                      "delegation",
                      {
                          name: "delegation",
                          [kind]: "delegate",
                          policy: doc,
                      },
                  ),
              ]
            : carrier === "attachment"
              ? [
                    policy("delegation", doc),
                    resource(
                        `aws:iam/${kind}PolicyAttachment:${kind === "role" ? "Role" : "User"}PolicyAttachment`,
                        "delegation-attachment",
                        { [kind]: "delegate", policyArn: `arn:aws:iam::${A}:policy/delegation` },
                    ),
                ]
              : [];
    return [...boundaries, principal, ...held];
}

const ADMIN_POLICIES = ["iam-no-admin-grants", "iam-no-admin-principals"];

function adminViolations(resources: PlannedResource[]): Violation[] {
    return checkResources(resources).filter((v) => ADMIN_POLICIES.includes(v.policy));
}

/**
 * No admin violation, and (unless `allowed` names it) nothing else mandatory: iam-no-user-policies
 * is this organization's rule that users hold policies only through groups, not a false alarm.
 */
function assertClean(resources: PlannedResource[], allowed: readonly string[] = []): void {
    const v = adminViolations(resources);
    assert.deepStrictEqual(
        v.map((x) => `${x.policy} ${x.resource}: ${x.message}`),
        [],
        "the delegation pattern is not admin-equivalent",
    );
    // Nothing else of the pack is mandatory on it either.
    const mandatory = checkResources(resources).filter(
        (x) => x.enforcementLevel === "mandatory" && !allowed.includes(x.policy),
    );
    assert.deepStrictEqual(
        mandatory.map((x) => `${x.policy} ${x.resource}: ${x.message}`),
        [],
    );
}

/** Exactly one admin violation, of iam-no-admin-grants, on `resourceName`, naming each fragment. */
function assertFlagged(resources: PlannedResource[], resourceName: string, ...facts: string[]) {
    // An admin-equivalent boundary is also flagged on its own resource; here we look at the grant.
    const v = adminViolations(resources).filter(
        (x) => x.policy === "iam-no-admin-grants" && x.resource === resourceName,
    );
    assert.strictEqual(
        v.length,
        1,
        `expected one iam-no-admin-grants violation, got:\n${v.map((x) => x.message).join("\n")}`,
    );
    assert.strictEqual(v[0].resource, resourceName);
    assert.strictEqual(v[0].enforcementLevel, "mandatory");
    for (const f of facts) assert.ok(v[0].message.includes(f), `"${f}" missing:\n${v[0].message}`);
}

const ROLE_CONDITIONS: ReadonlyArray<[string, Json]> = [
    ["StringEquals", { StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }],
    ["ArnEquals", { ArnEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }],
    ["ArnLike with an exact ARN", { ArnLike: { "iam:PermissionsBoundary": DEV_BOUNDARY } }],
    [
        "ARN through ${aws:PrincipalAccount}",
        {
            StringEquals: {
                "iam:PermissionsBoundary":
                    "arn:aws:iam::${aws:PrincipalAccount}:policy/DevBoundary",
            },
        },
    ],
    [
        "a list of two planned boundaries (one under a path)",
        { ArnEquals: { "iam:PermissionsBoundary": [DEV_BOUNDARY, TEAM_BOUNDARY] } },
    ],
];

const WITH_TEAM = [
    policy("DevBoundary", JSON.stringify(CAP)),
    policy(
        "TeamBoundary",
        policyDoc({ Effect: "Allow", Action: "sqs:*", Resource: "*" }),
        "/boundaries/",
    ),
];

describe("iam-no-admin-grants / iam-no-admin-principals: customer-managed permissions boundaries (issue 11)", () => {
    describe("passes AWS's delegation pattern", () => {
        for (const [cond, condition] of ROLE_CONDITIONS)
            for (const [encoding, encode] of ENCODINGS)
                for (const carrier of ["inline", "attachment", "role inlinePolicies"] as const)
                    it(`role, ${cond}, ${encoding}, ${carrier}`, () => {
                        assertClean(stack("role", carrier, encode([pinned(condition)]), WITH_TEAM));
                    });

        for (const [encoding, encode] of ENCODINGS)
            for (const carrier of ["inline", "attachment"] as const)
                it(`user creating users with the boundary, ${encoding}, ${carrier}`, () => {
                    assertClean(
                        stack(
                            "user",
                            carrier,
                            encode([
                                pinned(
                                    { StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } },
                                    USER_DELEGATION,
                                ),
                            ]),
                        ),
                        ["iam-no-user-policies"],
                    );
                });

        it("a user holding the delegation through its group", () => {
            const doc = JSON.stringify(
                policyDoc(
                    pinned(
                        { ArnEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } },
                        USER_DELEGATION,
                    ),
                ),
            );
            assertClean([
                policy("DevBoundary", JSON.stringify(CAP)),
                resource("aws:iam/user:User", "delegate", { name: "delegate" }),
                resource("aws:iam/group:Group", "admins", { name: "admins" }),
                resource("aws:iam/groupPolicy:GroupPolicy", "delegation", {
                    name: "delegation",
                    group: "admins",
                    policy: doc,
                }),
                resource("aws:iam/userGroupMembership:UserGroupMembership", "membership", {
                    user: "delegate",
                    groups: ["admins"],
                }),
            ]);
        });

        it("with AWS's guard statements: Deny editing the boundary and removing boundaries", () => {
            const doc = policyDoc(
                pinned({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
                {
                    Sid: "NoBoundaryPolicyEdit",
                    Effect: "Deny",
                    Action: [
                        "iam:CreatePolicyVersion",
                        "iam:DeletePolicy",
                        "iam:DeletePolicyVersion",
                        "iam:SetDefaultPolicyVersion",
                    ],
                    Resource: DEV_BOUNDARY,
                },
                {
                    Sid: "NoBoundaryRoleDelete",
                    Effect: "Deny",
                    Action: "iam:DeleteRolePermissionsBoundary",
                    Resource: "*",
                },
            );
            assertClean(stack("role", "inline", JSON.stringify(doc)));
        });

        for (const denied of [DEV_BOUNDARY, `arn:aws:iam::${A}:policy/devboundary`])
            it(`CreatePolicyVersion on * with a Deny on the boundary spelled ${denied}`, () => {
                const doc = policyDoc(
                    pinned({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
                    {
                        Sid: "OtherIAMTasks",
                        Effect: "Allow",
                        Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
                        Resource: "*",
                    },
                    {
                        Sid: "NoBoundaryPolicyEdit",
                        Effect: "Deny",
                        Action: [
                            "iam:CreatePolicyVersion",
                            "iam:SetDefaultPolicyVersion",
                            "iam:DeletePolicy",
                        ],
                        Resource: denied,
                    },
                );
                // iam-no-admin-grants also judges CreatePolicyVersion on * alone (any other policy).
                const v = adminViolations(stack("role", "inline", JSON.stringify(doc))).filter(
                    (x) => x.message.includes("iam:PermissionsBoundary"),
                );
                assert.deepStrictEqual(
                    v.map((x) => x.message),
                    [],
                );
            });

        it("AWS's documented example: XCompanyBoundaries, and the delegation's boundary statements", () => {
            // From the IAM User Guide's delegation example (Zhang), held here by a role.
            const X = "arn:aws:iam::123456789012:policy/XCompanyBoundaries";
            const xcompany = policyDoc(
                {
                    Sid: "ServiceBoundaries",
                    Effect: "Allow",
                    Action: ["s3:*", "cloudwatch:*", "ec2:*", "dynamodb:*"],
                    Resource: "*",
                },
                {
                    Sid: "AllowIAMConsoleForCredentials",
                    Effect: "Allow",
                    Action: ["iam:ListUsers", "iam:GetAccountPasswordPolicy"],
                    Resource: "*",
                },
                {
                    Sid: "AllowManageOwnPasswordAndAccessKeys",
                    Effect: "Allow",
                    Action: [
                        "iam:*AccessKey*",
                        "iam:ChangePassword",
                        "iam:GetUser",
                        "iam:*ServiceSpecificCredential*",
                        "iam:*SigningCertificate*",
                    ],
                    Resource: ["arn:aws:iam::*:user/${aws:username}"],
                },
                {
                    Sid: "DenyS3Logs",
                    Effect: "Deny",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                },
            );
            const delegation = policyDoc(
                pinned({ StringEquals: { "iam:PermissionsBoundary": X } }, [
                    "iam:CreateUser",
                    "iam:DeleteUserPolicy",
                    "iam:AttachUserPolicy",
                    "iam:DetachUserPolicy",
                    "iam:PutUserPermissionsBoundary",
                    "iam:PutUserPolicy",
                ]),
                {
                    Sid: "NoBoundaryPolicyEdit",
                    Effect: "Deny",
                    Action: [
                        "iam:CreatePolicyVersion",
                        "iam:DeletePolicy",
                        "iam:DeletePolicyVersion",
                        "iam:SetDefaultPolicyVersion",
                    ],
                    Resource: [X],
                },
                {
                    Sid: "NoBoundaryUserDelete",
                    Effect: "Deny",
                    Action: "iam:DeleteUserPermissionsBoundary",
                    Resource: "*",
                },
            );
            const provider = {
                type: "pulumi:providers:aws",
                name: "example",
                props: { allowedAccountIds: ["123456789012"] },
            };
            const stackOf = stack("role", "inline", JSON.stringify(delegation), [
                policy("XCompanyBoundaries", JSON.stringify(xcompany)),
            ]).map((r) => ({ ...r, provider }));
            assert.deepStrictEqual(adminViolations(stackOf), []);
        });

        it("without a pinned provider: the boundary and the grant land in the same default account", () => {
            const unpinned = (resources: PlannedResource[]) =>
                resources.map(({ provider: _provider, ...r }) => r);
            const doc = JSON.stringify(
                policyDoc(pinned({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } })),
            );
            assert.deepStrictEqual(adminViolations(unpinned(stack("role", "inline", doc))), []);
            const other = unpinned(
                stack("role", "inline", doc, [policy("OtherBoundary", JSON.stringify(CAP))]),
            );
            assert.strictEqual(adminViolations(other).length, 1);
        });

        it("a boundary that lets what it bounds delegate only with itself still caps", () => {
            const selfPinned = policyDoc(
                { Effect: "Allow", Action: "s3:*", Resource: "*" },
                pinned({ ArnEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
            );
            const doc = policyDoc(
                pinned({ ArnEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
            );
            assertClean(
                stack("role", "inline", JSON.stringify(doc), [
                    policy("DevBoundary", JSON.stringify(selfPinned)),
                ]),
            );
        });
    });

    describe("a boundary that lets what it bounds write a planned role's policies and get in", () => {
        const pin = { StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } };
        const DELEGATE = `arn:aws:iam::${A}:role/delegate`;
        const HELD = `arn:aws:iam::${A}:policy/Held`;
        const fn = resource("aws:lambda/function:Function", "fn", {
            name: "fn",
            role: DELEGATE,
            runtime: "nodejs20.x",
        });
        // The delegate also holds the customer-managed policy Held (attached).
        const held = (): PlannedResource[] => [
            policy(
                "Held",
                JSON.stringify(
                    policyDoc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
                ),
            ),
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "held", {
                role: "delegate",
                policyArn: HELD,
            }),
        ];
        const CASES: ReadonlyArray<[string, Json[], PlannedResource[], string[]]> = [
            [
                "PutRolePolicy on the delegate + UpdateFunctionCode on a function running as it",
                [
                    { Effect: "Allow", Action: "iam:PutRolePolicy", Resource: DELEGATE },
                    { Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*" },
                ],
                [fn],
                ["iam:PutRolePolicy", "lambda:UpdateFunctionCode", "Function fn"],
            ],
            [
                "CreatePolicyVersion on a policy the delegate holds + UpdateAssumeRolePolicy on it",
                [
                    { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: HELD },
                    {
                        Effect: "Allow",
                        Action: ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                        Resource: DELEGATE,
                    },
                ],
                held(),
                ["iam:CreatePolicyVersion", HELD, "iam:UpdateAssumeRolePolicy"],
            ],
            [
                "SetDefaultPolicyVersion on policy/H* + UpdateFunctionCode on the function",
                [
                    {
                        Effect: "Allow",
                        Action: "iam:SetDefaultPolicyVersion",
                        Resource: `arn:aws:iam::${A}:policy/H*`,
                    },
                    {
                        Effect: "Allow",
                        Action: "lambda:UpdateFunctionCode",
                        Resource: `arn:aws:lambda:*:${A}:function:fn`,
                    },
                ],
                [...held(), fn],
                ["iam:SetDefaultPolicyVersion", "Function fn"],
            ],
        ];
        for (const [what, extra, plan, facts] of CASES)
            for (const [encoding, encode] of ENCODINGS)
                it(`${what}, ${encoding}`, () => {
                    assertFlagged(
                        stack("role", "inline", encode([pinned(pin)]), [
                            policy(
                                "DevBoundary",
                                JSON.stringify(policyDoc(...(CAP.Statement as Json[]), ...extra)),
                            ),
                            ...plan,
                        ]),
                        "delegation",
                        DEV_BOUNDARY,
                        "what it bounds is admin-equivalent through it",
                        ...facts,
                    );
                });
        it("passes when the version writes name another policy and the function runs as another role", () => {
            assertClean([
                ...stack("role", "inline", JSON.stringify(policyDoc(pinned(pin))), [
                    policy(
                        "DevBoundary",
                        JSON.stringify(
                            policyDoc(
                                ...(CAP.Statement as Json[]),
                                {
                                    Effect: "Allow",
                                    Action: "iam:CreatePolicyVersion",
                                    Resource: `arn:aws:iam::${A}:policy/Other`,
                                },
                                {
                                    Effect: "Allow",
                                    Action: "lambda:UpdateFunctionCode",
                                    Resource: "*",
                                },
                            ),
                        ),
                    ),
                    ...held(),
                    policy(
                        "Other",
                        JSON.stringify(
                            policyDoc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
                        ),
                    ),
                ]),
                resource("aws:iam/role:Role", "worker", {
                    name: "worker",
                    assumeRolePolicy: TRUST,
                }),
                resource("aws:lambda/function:Function", "fn", {
                    name: "fn",
                    role: `arn:aws:iam::${A}:role/worker`,
                    runtime: "nodejs20.x",
                }),
            ]);
        });
    });

    describe("a boundary without a literal name caps once its ARN output is known", () => {
        for (const [encoding, encode] of ENCODINGS)
            it(`namePrefix with the resolved arn, ${encoding}`, () => {
                assertClean(
                    stack(
                        "role",
                        "inline",
                        encode([
                            pinned({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
                        ]),
                        [
                            resource("aws:iam/policy:Policy", "DevBoundary", {
                                namePrefix: "Dev",
                                arn: DEV_BOUNDARY,
                                policy: JSON.stringify(CAP),
                            }),
                        ],
                    ),
                );
            });
    });

    describe("flags a pin that does not cap", () => {
        const pin = { StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } };
        for (const [encoding, encode] of ENCODINGS) {
            it(`the boundary is admin-equivalent (*:*), ${encoding}`, () => {
                assertFlagged(
                    stack("role", "inline", encode([pinned(pin)]), [
                        policy(
                            "DevBoundary",
                            JSON.stringify(
                                policyDoc({ Effect: "Allow", Action: "*:*", Resource: "*" }),
                            ),
                        ),
                    ]),
                    "delegation",
                    "iam:PutRolePolicy",
                    DEV_BOUNDARY,
                    "admin-equivalent itself",
                );
            });

            it(`the boundary is named but not in the plan, ${encoding}`, () => {
                assertFlagged(
                    stack("role", "inline", encode([pinned(pin)]), [
                        policy("OtherBoundary", JSON.stringify(CAP)),
                    ]),
                    "delegation",
                    DEV_BOUNDARY,
                    "no aws.iam.Policy of the plan has this ARN",
                );
            });

            // Auto-naming and namePrefix generate the IAM name: policy/DevBoundary is not this policy.
            for (const [how, props] of [
                ["with namePrefix", { namePrefix: "DevBoundary" }],
                ["with no name (auto-named)", {}],
            ] as const)
                it(`the boundary is planned ${how}, ${encoding}`, () => {
                    assertFlagged(
                        stack("role", "inline", encode([pinned(pin)]), [
                            resource("aws:iam/policy:Policy", "DevBoundary", {
                                ...props,
                                policy: JSON.stringify(CAP),
                            }),
                        ]),
                        "delegation",
                        DEV_BOUNDARY,
                        "no aws.iam.Policy of the plan has this ARN",
                    );
                });

            it(`the caller may CreatePolicyVersion on the boundary, ${encoding}`, () => {
                assertFlagged(
                    stack(
                        "role",
                        "inline",
                        encode([
                            pinned(pin),
                            {
                                Effect: "Allow",
                                Action: "iam:CreatePolicyVersion",
                                Resource: DEV_BOUNDARY,
                            },
                        ]),
                    ),
                    "delegation",
                    "iam:PutRolePolicy",
                );
            });

            // IAM names are unique case-insensitively: another spelling names the same policy.
            for (const spelled of [
                `arn:aws:iam::${A}:policy/devboundary`,
                `arn:aws:iam::${A}:policy/DEVBOUNDARY`,
                `arn:aws:iam::${A}:policy/devB*`,
            ])
                for (const [holder, carrier] of [
                    ["the caller", "caller"],
                    ["the boundary (what it bounds)", "boundary"],
                ] as const)
                    it(`${holder} may CreatePolicyVersion on ${spelled}, ${encoding}`, () => {
                        const rewrite = {
                            Effect: "Allow",
                            Action: "iam:CreatePolicyVersion",
                            Resource: spelled,
                        };
                        const boundaryDoc =
                            carrier === "boundary"
                                ? policyDoc(...(CAP.Statement as Json[]), rewrite)
                                : CAP;
                        assertFlagged(
                            stack(
                                "role",
                                "inline",
                                encode(
                                    carrier === "caller" ? [pinned(pin), rewrite] : [pinned(pin)],
                                ),
                                [policy("DevBoundary", JSON.stringify(boundaryDoc))],
                            ),
                            "delegation",
                            "iam:PutRolePolicy",
                            // The boundary's own grant is named; the caller's (judged before the
                            // plan's documents) makes the pin no safeguard at all.
                            ...(carrier === "boundary"
                                ? [DEV_BOUNDARY, "iam:CreatePolicyVersion"]
                                : ["do not make an admin grant safe"]),
                        );
                    });

            it(`the caller may DeleteRolePermissionsBoundary unpinned, ${encoding}`, () => {
                const v = adminViolations(
                    stack(
                        "role",
                        "inline",
                        encode([
                            pinned(pin),
                            {
                                Effect: "Allow",
                                Action: "iam:DeleteRolePermissionsBoundary",
                                Resource: "*",
                            },
                        ]),
                    ),
                ).filter((x) => x.policy === "iam-no-admin-grants");
                // Both statements: removing boundaries, and the pinned writes it frees.
                assert.strictEqual(v.length, 2, v.map((x) => x.message).join("\n"));
                assert.ok(v.every((x) => x.resource === "delegation"));
                assert.ok(v.some((x) => x.message.includes("iam:PutRolePolicy")));
                assert.ok(v.some((x) => x.message.includes("iam:DeleteRolePermissionsBoundary")));
            });

            it(`a pattern (policy/*Boundary) an unplanned policy could match, ${encoding}`, () => {
                assertFlagged(
                    stack(
                        "role",
                        "inline",
                        encode([
                            pinned({
                                ArnLike: {
                                    "iam:PermissionsBoundary": `arn:aws:iam::${A}:policy/*Boundary`,
                                },
                            }),
                        ]),
                    ),
                    "delegation",
                    "iam:PutRolePolicy",
                );
            });
        }

        it("the boundary's document is unknown during preview", async () => {
            const specs = stack("role", "inline", JSON.stringify(policyDoc(pinned(pin))), [
                policy("DevBoundary", UNKNOWN_STRING),
            ]).map((r) => ({ ...r, provider: PROVIDER }));
            const run = await runStackPolicy(
                iamNoAdminGrants as unknown as StackValidationPolicy,
                specs,
            );
            assert.strictEqual(
                run.violations.length,
                1,
                run.violations.map((v) => v.message).join("\n"),
            );
            assert.ok(run.violations[0].urn?.endsWith("::delegation"));
            assert.ok(
                run.violations[0].message.includes(`${DEV_BOUNDARY}: its document is not known`),
            );
        });

        it("the boundary's document does not parse", () => {
            assertFlagged(
                stack("role", "inline", JSON.stringify(policyDoc(pinned(pin))), [
                    policy("DevBoundary", "{not json"),
                ]),
                "delegation",
                "its document is not known",
            );
        });

        it("the boundary lets what it bounds rewrite the boundary", () => {
            const writable = policyDoc(
                { Effect: "Allow", Action: "s3:*", Resource: "*" },
                { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: DEV_BOUNDARY },
            );
            assertFlagged(
                stack("role", "inline", JSON.stringify(policyDoc(pinned(pin))), [
                    policy("DevBoundary", JSON.stringify(writable)),
                ]),
                "delegation",
                "what it bounds may rewrite it: iam:CreatePolicyVersion",
            );
        });

        it("the boundary allows PassRole with compute (code can run as any role)", () => {
            const escaping = policyDoc({
                Effect: "Allow",
                Action: ["iam:PassRole", "lambda:CreateFunction"],
                Resource: "*",
            });
            assertFlagged(
                stack("role", "inline", JSON.stringify(policyDoc(pinned(pin))), [
                    policy("DevBoundary", JSON.stringify(escaping)),
                ]),
                "delegation",
                "admin-equivalent itself",
                "iam:PassRole",
            );
        });

        it("a caller-chosen variable in the ARN (${aws:PrincipalTag/boundary})", () => {
            assertFlagged(
                stack(
                    "role",
                    "inline",
                    JSON.stringify(
                        policyDoc(
                            pinned({
                                StringEquals: {
                                    "iam:PermissionsBoundary": `arn:aws:iam::${A}:policy/\${aws:PrincipalTag/boundary}`,
                                },
                            }),
                        ),
                    ),
                ),
                "delegation",
                "iam:PutRolePolicy",
            );
        });

        it("a JSON string that spells the key with a \\u escape is still judged", () => {
            const text = JSON.stringify(policyDoc(pinned(pin))).replace(
                "PermissionsBoundary",
                "Permissions\\u0042oundary",
            );
            assert.ok(!text.includes("PermissionsBoundary"));
            assertFlagged(
                stack("role", "inline", text, [policy("OtherBoundary", JSON.stringify(CAP))]),
                "delegation",
                "no aws.iam.Policy of the plan has this ARN",
            );
        });

        it("an AWS-managed boundary the data tables do not know (a typo) does not cap", async () => {
            const run = await runResourcePolicy(iamNoAdminGrants, "aws:iam/rolePolicy:RolePolicy", {
                role: "delegate",
                policy: JSON.stringify(
                    policyDoc(
                        pinned({
                            ArnEquals: {
                                "iam:PermissionsBoundary":
                                    "arn:aws:iam::aws:policy/job-function/ViewOnlyAcess",
                            },
                        }),
                    ),
                ),
            });
            assert.strictEqual(run.violations.length, 1, run.violations.join("\n"));
            assert.ok(run.violations[0].includes("iam:PutRolePolicy"), run.violations[0]);
        });

        it("one planned boundary of a list does not cap", () => {
            assertFlagged(
                stack(
                    "role",
                    "inline",
                    JSON.stringify(
                        policyDoc(
                            pinned({
                                ArnEquals: {
                                    "iam:PermissionsBoundary": [DEV_BOUNDARY, TEAM_BOUNDARY],
                                },
                            }),
                        ),
                    ),
                    [
                        policy("DevBoundary", JSON.stringify(CAP)),
                        policy(
                            "TeamBoundary",
                            policyDoc({ Effect: "Allow", Action: "iam:*", Resource: "*" }),
                            "/boundaries/",
                        ),
                    ],
                ),
                "delegation",
                TEAM_BOUNDARY,
            );
        });

        it("iam-no-admin-principals: another policy of the role may rewrite the boundary", () => {
            const resources = [
                ...stack("role", "inline", JSON.stringify(policyDoc(pinned(pin)))),
                resource("aws:iam/rolePolicy:RolePolicy", "boundary-admin", {
                    name: "boundary-admin",
                    role: "delegate",
                    policy: JSON.stringify(
                        policyDoc({
                            Effect: "Allow",
                            Action: "iam:CreatePolicyVersion",
                            Resource: DEV_BOUNDARY,
                        }),
                    ),
                }),
            ];
            const v = adminViolations(resources);
            // Each document alone is not admin: the role is, through what it holds together.
            assert.ok(v.length > 0);
            for (const x of v) {
                assert.strictEqual(x.policy, "iam-no-admin-principals", x.message);
                assert.strictEqual(x.resource, "delegate");
            }
            assert.ok(
                v.some(
                    (x) =>
                        x.message.includes("iam:PutRolePolicy") &&
                        x.message.includes("iam:CreateRole"),
                ),
                v.map((x) => x.message).join("\n"),
            );
        });
    });

    describe("where it is decided", () => {
        const doc = policyDoc(
            pinned({ StringEquals: { "iam:PermissionsBoundary": DEV_BOUNDARY } }),
        );

        it("the resource check leaves a pin to a named customer-managed boundary to the stack check", async () => {
            const run = await runResourcePolicy(iamNoAdminGrants, "aws:iam/rolePolicy:RolePolicy", {
                role: "delegate",
                policy: JSON.stringify(doc),
            });
            assert.deepStrictEqual(run.violations, []);
        });

        it("a check of one document alone (evidence, proofs) still sees no cap", () => {
            const parsed = parsePolicyDocument(doc, "identity");
            assert.deepStrictEqual(
                findAdminGrants(parsed, NO_PLAN).map((f) => f.reason),
                ["escalation"],
            );
            assert.deepStrictEqual(findAdminGrants(parsed, ASSUME_PLANNED), []);
            const plan = new PlannedPolicies([
                { arn: DEV_BOUNDARY, account: A, doc: parsePolicyDocument(CAP, "identity") },
            ]);
            assert.deepStrictEqual(findAdminGrants(parsed, plan.judgeFor(A)), []);
            // Seen from another account, the ARN names a policy nobody planned there.
            const elsewhere = new PlannedPolicies([
                {
                    arn: `arn:aws:iam::444455556666:policy/DevBoundary`,
                    account: "444455556666",
                    doc: parsePolicyDocument(CAP, "identity"),
                },
            ]);
            assert.deepStrictEqual(
                findAdminGrants(parsed, elsewhere.judgeFor("444455556666")).map((f) => f.reason),
                ["escalation"],
            );
        });
    });

    it("one document alone: a boundary ARN through ${aws:PrincipalAccount} names a policy it cannot read (was read as bounding)", () => {
        for (const op of ["StringEquals", "ArnLike"]) {
            const parsed = parsePolicyDocument(
                policyDoc(
                    pinned({
                        [op]: {
                            "iam:PermissionsBoundary":
                                "arn:aws:iam::${aws:PrincipalAccount}:policy/DevBoundary",
                        },
                    }),
                ),
                "identity",
            );
            assert.deepStrictEqual(
                findAdminGrants(parsed, NO_PLAN).map((f) => f.reason),
                ["escalation"],
                op,
            );
        }
    });

    describe("cross-check with @cloud-copilot/iam-simulate", () => {
        /** Does the simulator allow iam:PutRolePolicy on a new role whose boundary is `boundary`? */
        async function simulated(doc: Json, boundary: string | undefined): Promise<boolean> {
            const result = await runSimulation(
                {
                    request: {
                        principal: `arn:aws:iam::${A}:role/delegate`,
                        action: "iam:PutRolePolicy",
                        resource: { resource: `arn:aws:iam::${A}:role/created`, accountId: A },
                        contextVariables: {
                            "aws:PrincipalAccount": A,
                            ...(boundary ? { "iam:PermissionsBoundary": boundary } : {}),
                        },
                    },
                    identityPolicies: [{ name: "delegation", policy: doc }],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                },
                {},
            );
            if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
            return result.overallResult === "Allowed";
        }
        const PROBES = [
            DEV_BOUNDARY,
            TEAM_BOUNDARY,
            `arn:aws:iam::${A}:policy/EvilBoundary`,
            "arn:aws:iam::aws:policy/AdministratorAccess",
            undefined,
        ];
        const PLANNED_CAPS = new Set([DEV_BOUNDARY, TEAM_BOUNDARY]);

        for (const [cond, condition] of [
            ...ROLE_CONDITIONS,
            [
                "ArnLike policy/*Boundary",
                { ArnLike: { "iam:PermissionsBoundary": `arn:aws:iam::${A}:policy/*Boundary` } },
            ],
            [
                "StringNotEquals AdministratorAccess",
                {
                    StringNotEquals: {
                        "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
                    },
                },
            ],
        ] as Array<[string, Json]>)
            it(`${cond}: the pack passes exactly when every boundary AWS admits is a planned cap`, async () => {
                const doc = policyDoc(pinned(condition));
                const admitted: string[] = [];
                for (const b of PROBES) if (await simulated(doc, b)) admitted.push(b ?? "(none)");
                assert.ok(admitted.length > 0, "the simulator admits some boundary");
                const safe = admitted.every((b) => PLANNED_CAPS.has(b));
                const flagged =
                    adminViolations(stack("role", "inline", JSON.stringify(doc), WITH_TEAM))
                        .length > 0;
                assert.strictEqual(flagged, !safe, `admitted: ${admitted.join(", ")}`);
            });
    });
});
