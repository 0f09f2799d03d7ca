import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamAssumeRoleBounded } from "../../policypack/policies";
import { assumeInOrganizationStatement } from "../../components/orgGrants";
import { Json, runResourcePolicy, WORKLOAD_ACCOUNT } from "./helpers";

const ORG = "o-abcdefghij";

/** The grant as the program builds it (components/orgGrants.ts), edited by `edit`. */
function grant(edit: (s: Record<string, any>) => void = () => {}): Json {
    const s = JSON.parse(
        JSON.stringify(
            assumeInOrganizationStatement({
                sid: "Grant",
                what: "test",
                roleArns: [`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/SecurityAuditRole`],
                organizationId: ORG,
                mfaMaxAgeSeconds: 3600,
            }),
        ),
    );
    edit(s);
    return { Version: "2012-10-17", Statement: [s] };
}

const violations = async (policy: Json) =>
    (
        await runResourcePolicy(iamAssumeRoleBounded, aws.iam.GroupPolicy, {
            group: "org-access-auditors",
            policy,
        })
    ).violations;

describe("iam-assume-role-bounded", () => {
    it("passes the grant the program builds: StringEquals on the one organization", async () => {
        assert.deepStrictEqual(await violations(grant()), []);
    });

    const unbounded: [string, (s: Record<string, any>) => void, RegExp][] = [
        ["no condition at all", (s) => delete s.Condition, /no condition on aws:ResourceOrgID/],
        [
            "the organization bound removed, MFA kept",
            (s) => delete s.Condition.StringEquals,
            /no condition on aws:ResourceOrgID/,
        ],
        [
            "StringEquals naming the organization and a partner's",
            (s) => (s.Condition.StringEquals = { "aws:ResourceOrgID": [ORG, "o-partner1234"] }),
            /names 2 organizations/,
        ],
        [
            "StringEqualsIfExists (passes for a role in no organization)",
            (s) => {
                delete s.Condition.StringEquals;
                s.Condition.StringEqualsIfExists = { "aws:ResourceOrgID": ORG };
            },
            /IfExists/,
        ],
        [
            "StringLike with a wildcard",
            (s) => {
                delete s.Condition.StringEquals;
                s.Condition.StringLike = { "aws:ResourceOrgID": "o-a*" };
            },
            /StringLike/,
        ],
        [
            "ForAllValues:StringEquals (true when the key is absent)",
            (s) => {
                delete s.Condition.StringEquals;
                s.Condition["ForAllValues:StringEquals"] = { "aws:ResourceOrgID": [ORG] };
            },
            /ForAllValues/,
        ],
        [
            "StringNotEquals another organization",
            (s) => {
                delete s.Condition.StringEquals;
                s.Condition.StringNotEquals = { "aws:ResourceOrgID": "o-zzzzzzzzzz" };
            },
            /StringNotEquals/,
        ],
        [
            "a wildcard account id",
            (s) => (s.Condition.StringEquals = { "aws:ResourceAccount": "3333*" }),
            /not an exact account id/,
        ],
        [
            "OrganizationAccountAccessRole in any account, no bound",
            (s) => {
                s.Resource = "arn:aws:iam::*:role/OrganizationAccountAccessRole";
                delete s.Condition.StringEquals;
            },
            /OrganizationAccountAccessRole/,
        ],
        [
            "sts:* on Resource *",
            (s) => {
                s.Action = "sts:*";
                s.Resource = "*";
                delete s.Condition.StringEquals;
            },
            /on \*/,
        ],
    ];
    for (const [what, edit, reason] of unbounded)
        it(`flags ${what}`, async () => {
            const v = await violations(grant(edit));
            assert.strictEqual(v.length, 1, JSON.stringify(v));
            assert.match(v[0], /Statement\[0\] \(Sid "Grant"\) allows sts:AssumeRole on/);
            assert.match(v[0], reason);
            assert.match(v[0], /Fix: /);
        });

    const bounded: [string, (s: Record<string, any>) => void][] = [
        [
            "ForAnyValue:StringEquals on the one organization (false when absent)",
            (s) => {
                delete s.Condition.StringEquals;
                s.Condition["ForAnyValue:StringEquals"] = { "aws:ResourceOrgID": [ORG] };
            },
        ],
        [
            "StringEquals on listed accounts and the organization (a deploy role's grant)",
            (s) =>
                (s.Condition.StringEquals = {
                    "aws:ResourceOrgID": ORG,
                    "aws:ResourceAccount": [WORKLOAD_ACCOUNT, "444444444444"],
                }),
        ],
        [
            "StringEquals on listed accounts alone",
            (s) => (s.Condition.StringEquals = { "aws:ResourceAccount": [WORKLOAD_ACCOUNT] }),
        ],
        [
            "an exact account in Resource, no condition",
            (s) => {
                s.Resource = `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/SecurityAuditRole`;
                delete s.Condition;
            },
        ],
        [
            "another action on any account's role (iam:GetRole)",
            (s) => {
                s.Action = "iam:GetRole";
                delete s.Condition;
            },
        ],
    ];
    for (const [what, edit] of bounded)
        it(`passes ${what}`, async () => {
            assert.deepStrictEqual(await violations(grant(edit)), []);
        });

    it("leaves Action * to iam-no-admin-grants (admin, not a bound question)", async () => {
        assert.deepStrictEqual(
            await violations({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
            }),
            [],
        );
    });
});
