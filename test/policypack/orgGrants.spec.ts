// The policy pack on the grants and trust of components/orgGrants.ts: it accepts them as the
// components build them, and still fails the real wildcards, in the encodings a policy may take.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
    iamNoEscalationActions,
    iamNoWildcardPrincipal,
    iamTrustRequiresMfa,
} from "../../policypack/policies";
import { assumeInOrganizationStatement, peopleTrustStatement } from "../../components/orgGrants";
import { Json, runResourcePolicy, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from "./helpers";

const ORG = "o-abcdefghij";
const PEOPLE = peopleTrustStatement("HumansWithMfa", {
    partition: "aws",
    securityAccountId: SECURITY_ACCOUNT,
    userPath: "/org-access/",
    duty: "audit",
    mfaMaxAgeSeconds: 3600,
}) as unknown as Json;
const GRANT = assumeInOrganizationStatement({
    sid: "AssumeAuditRolesWithMfa",
    what: "test",
    roleArns: [`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/SecurityAuditRole`],
    organizationId: ORG,
    mfaMaxAgeSeconds: 3600,
}) as unknown as Json;

/** A copy of the statement, edited; wrapped in a document. */
function edited(statement: Json, edit: (s: Record<string, any>) => void): Json {
    const s = JSON.parse(JSON.stringify(statement)) as Record<string, any>;
    edit(s);
    return { Version: "2012-10-17", Statement: [s] };
}

async function trustViolations(doc: unknown): Promise<string[]> {
    const out: string[] = [];
    for (const policy of [iamTrustRequiresMfa, iamNoWildcardPrincipal])
        out.push(
            ...(await runResourcePolicy(policy, aws.iam.Role, { assumeRolePolicy: doc }))
                .violations,
        );
    return out;
}

async function grantViolations(doc: unknown): Promise<string[]> {
    return (
        await runResourcePolicy(iamNoEscalationActions, aws.iam.GroupPolicy, {
            group: "org-access-auditors",
            policy: doc,
        })
    ).violations;
}

describe("the pack on people trusted by path and tags", () => {
    it("accepts the trust as built, as an object or a JSON string with Statement as a single object", async () => {
        assert.deepStrictEqual(
            await trustViolations({ Version: "2012-10-17", Statement: [PEOPLE] }),
            [],
        );
        assert.deepStrictEqual(
            await trustViolations(JSON.stringify({ Version: "2012-10-17", Statement: PEOPLE })),
            [],
        );
    });

    it("fails BoolIfExists without an age bound: the users under the path are probed, not only users at /", async () => {
        const v = await trustViolations(
            edited(PEOPLE, (s) => {
                delete s.Condition.Bool;
                delete s.Condition.NumericLessThan;
                s.Condition.BoolIfExists = { "aws:MultiFactorAuthPresent": "true" };
            }),
        );
        assert.strictEqual(v.length, 1, v.join("\n"));
        assert.match(
            v[0],
            /lets every IAM user of account 222222222222 .* without MFA \(BoolIfExists/,
        );
    });

    it("fails the account root without conditions", async () => {
        const v = await trustViolations(
            edited(PEOPLE, (s) => {
                delete s.Condition;
            }),
        );
        assert.ok(
            v.some((m) => m.includes("every IAM user of account 222222222222")),
            v.join("\n"),
        );
    });

    for (const [what, principal] of [
        ['Principal "*"', "*"],
        ['Principal {AWS: ["*"]}', { AWS: ["*"] }],
    ] as const)
        it(`fails ${what} once no condition pins the caller's ARN (the tags are any account's to set)`, async () => {
            const v = await trustViolations(
                edited(PEOPLE, (s) => {
                    s.Principal = principal;
                    delete s.Condition.ArnLike;
                }),
            );
            assert.ok(
                v.some((m) => m.includes("effectively everyone")),
                v.join("\n"),
            );
        });

    it("fails NotPrincipal once no condition pins the caller's ARN", async () => {
        const v = await trustViolations(
            edited(PEOPLE, (s) => {
                s.NotPrincipal = s.Principal;
                delete s.Principal;
                delete s.Condition.ArnLike;
            }),
        );
        assert.ok(v.length > 0, "NotPrincipal without an ARN bound");
    });

    it('accepts Principal "*" while aws:PrincipalArn pins the security account\'s users under the path: the same callers as the account root', async () => {
        assert.deepStrictEqual(
            await trustViolations(
                edited(PEOPLE, (s) => {
                    s.Principal = "*";
                }),
            ),
            [],
        );
    });

    // Anyone can create a user at /org-access/ in an account of their own, tag it and give it MFA:
    // an aws:PrincipalArn pattern whose account is open bounds nobody, and the outsider probed
    // must be that user (under the path), not only user/outsider at "/".
    for (const [what, pattern] of [
        ["arn:aws:iam::*:user/org-access/*", "arn:aws:iam::*:user/org-access/*"],
        ["arn:aws:iam::*:user/org-access/*/*", "arn:aws:iam::*:user/org-access/*/*"],
        [
            "arn:aws:iam::??????????2?:user/org-access/*",
            "arn:aws:iam::??????????2?:user/org-access/*",
        ],
        ["arn:aws:iam::*:role/org-access/*", "arn:aws:iam::*:role/org-access/*"],
    ] as const)
        it(`fails Principal "*" when aws:PrincipalArn is ${what}: an outside account's principal under the path gets in`, async () => {
            for (const op of ["ArnLike", "StringLike"]) {
                const v = await trustViolations(
                    edited(PEOPLE, (s) => {
                        s.Principal = "*";
                        delete s.Condition.ArnLike;
                        s.Condition[op] = { "aws:PrincipalArn": pattern };
                    }),
                );
                assert.strictEqual(v.length, 1, `${op}: ${v.join("\n")}`);
                assert.match(v[0], /effectively everyone/);
                assert.match(v[0], /:(user|assumed-role)\/(org-access\/)?zq9/);
            }
        });

    // The tags designate who among the users under the path gets in. A tag condition that passes
    // when the tag is absent (IfExists, ForAllValues) lets every untagged user there in, as
    // BoolIfExists lets every session without MFA in.
    for (const [what, edit] of [
        [
            "StringEqualsIfExists",
            (s: Record<string, any>) => {
                s.Condition.StringEqualsIfExists = s.Condition.StringEquals;
                delete s.Condition.StringEquals;
            },
        ],
        [
            "StringLikeIfExists on the duty alone",
            (s: Record<string, any>) => {
                const duty = "aws:PrincipalTag/org-access:duty";
                s.Condition.StringLikeIfExists = { [duty]: s.Condition.StringEquals[duty] };
                delete s.Condition.StringEquals[duty];
            },
        ],
        [
            "ForAllValues:StringEquals",
            (s: Record<string, any>) => {
                s.Condition["ForAllValues:StringEquals"] = s.Condition.StringEquals;
                delete s.Condition.StringEquals;
            },
        ],
    ] as const)
        it(`fails the people trust whose tag designators are ${what}: an untagged user under the path gets in`, async () => {
            for (const principal of [{ AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` }, "*"]) {
                const v = await trustViolations(
                    edited(PEOPLE, (s) => {
                        s.Principal = principal;
                        edit(s);
                    }),
                );
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.match(
                    v[0],
                    new RegExp(
                        `arn:aws:iam::${SECURITY_ACCOUNT}:user/org-access/zq9 without the tags? aws:PrincipalTag/org-access:`,
                    ),
                );
                assert.match(v[0], /passes when the tag is absent/);
            }
        });
});

describe("the pack on org-bounded sts:AssumeRole grants", () => {
    it("accepts the grant as built: an exact path and name, the account open, the organization bound", async () => {
        assert.deepStrictEqual(
            await grantViolations({ Version: "2012-10-17", Statement: [GRANT] }),
            [],
        );
    });

    const wildcards: [string, (s: Record<string, any>) => void][] = [
        ["role/* with the organization bound", (s) => (s.Resource = "arn:aws:iam::*:role/*")],
        ['"*" with the organization bound', (s) => (s.Resource = "*")],
        [
            '"*" bounded by ForAnyValue:StringEquals',
            (s) => {
                s.Resource = "*";
                s.Condition = { "ForAnyValue:StringEquals": { "aws:ResourceOrgID": [ORG] } };
            },
        ],
        [
            "role/* bounded by StringEqualsIfExists",
            (s) => {
                s.Resource = ["arn:aws:iam::*:role/*"];
                s.Condition = { StringEqualsIfExists: { "aws:ResourceOrgID": ORG } };
            },
        ],
        [
            "role/* bounded by StringLike o-*",
            (s) => {
                s.Resource = "arn:aws:iam::*:role/*";
                s.Condition = { StringLike: { "aws:ResourceOrgID": "o-*" } };
            },
        ],
    ];
    for (const [what, edit] of wildcards) {
        it(`fails ${what} (a wildcard name is never lifted by a bound), as an object and as a JSON string`, async () => {
            const doc = edited(GRANT, edit);
            const single = { ...doc, Statement: (doc.Statement as Json[])[0] };
            for (const encoding of [doc, JSON.stringify(single)]) {
                const v = await grantViolations(encoding);
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.match(v[0], /allows sts:AssumeRole .* on every resource of that kind/);
            }
        });
    }
});
