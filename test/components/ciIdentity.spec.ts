import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import { PlanResult } from "../../plan/run";
import {
    doc,
    LOG_ARCHIVE,
    MANAGEMENT,
    one,
    ofType,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
} from "../helpers";

const SUBJECTS = [
    "repo:example-org/org-access:environment:preview",
    "repo:example-org/org-access:ref:refs/heads/main",
];
const KEY = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/11111111-2222-3333-4444-555555555555`;
const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING, deployRoleName: "WorkloadDeployer" },
    ],
};

describe("CiIdentity (GitHub OIDC)", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(
            securityValues({
                ci: { subjects: SUBJECTS, stateBucket: "example-state", stateKeyArn: KEY },
            }),
            projectWith({ workload }),
        );
    });

    it("creates GitHub's OIDC provider in the management account by default, for the STS audience only", () => {
        const p = one(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "ci-github");
        assert.strictEqual(p.accountId, MANAGEMENT);
        assert.strictEqual(p.props.url, "https://token.actions.githubusercontent.com");
        assert.deepStrictEqual(p.props.clientIdLists, ["sts.amazonaws.com"]);
        assert.deepStrictEqual(p.props.thumbprintLists, [
            "6938fd4d98bab03faadb97b34396831e3780aea1",
            "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
        ]);
    });

    it("pins the audience and the exact subjects with StringEquals, for one hour", () => {
        const role = one(plan, "aws:iam/role:Role", "ci-role");
        assert.strictEqual(role.props.name, "org-access-github-deploy");
        assert.strictEqual(role.props.maxSessionDuration, 3600);
        assert.deepStrictEqual(doc(role.props.assumeRolePolicy).Statement, [
            {
                Sid: "GitHubWorkflowsOfThisRepository",
                Effect: "Allow",
                Principal: {
                    Federated: `arn:aws:iam::${MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com`,
                },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": SUBJECTS,
                    },
                },
            },
        ]);
        assert.strictEqual(
            plan.outputs.ciRoleArn,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
        );
    });

    it("may only assume the exact deploy role of every account the program reaches, and use the state", () => {
        assert.deepStrictEqual(
            doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "ci-deploy").props.policy).Statement,
            [
                {
                    Sid: "AssumeDeployRoles",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: [
                        `arn:aws:iam::${SECURITY}:role/OrganizationAccountAccessRole`,
                        `arn:aws:iam::${MANAGEMENT}:role/OrgAccessDeployRole`,
                        `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`,
                        `arn:aws:iam::${STAGING}:role/WorkloadDeployer`,
                        `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
                    ].sort(),
                },
                {
                    Sid: "ListStateBucket",
                    Effect: "Allow",
                    Action: ["s3:GetBucketLocation", "s3:ListBucket"],
                    Resource: "arn:aws:s3:::example-state",
                },
                {
                    Sid: "ReadWriteState",
                    Effect: "Allow",
                    Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                    Resource: "arn:aws:s3:::example-state/.pulumi/*",
                },
                {
                    Sid: "UseStateKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                    Resource: KEY,
                },
            ],
        );
    });

    it("can live in the security account instead, and does not exist unless configured", async () => {
        const sec = await planSecurity(
            securityValues({
                ci: { subjects: [SUBJECTS[0]], account: "security", stateBucket: "example-state" },
            }),
            projectWith({ workload }),
        );
        assert.strictEqual(one(sec, "aws:iam/role:Role", "ci-role").accountId, SECURITY);
        assert.strictEqual(
            doc(one(sec, "aws:iam/role:Role", "ci-role").props.assumeRolePolicy).Statement[0]
                .Condition.StringEquals["token.actions.githubusercontent.com:sub"],
            SUBJECTS[0],
        );
        assert.deepStrictEqual(
            doc(one(sec, "aws:iam/rolePolicy:RolePolicy", "ci-deploy").props.policy).Statement.map(
                (s) => s.Sid,
            ),
            ["AssumeDeployRoles", "ListStateBucket", "ReadWriteState"],
        );
        const none = await planSecurity(securityValues(), projectWith({ workload }));
        assert.deepStrictEqual(
            ofType(none, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
            [],
        );
    });

    it("rejects wildcard, pull-request and malformed subjects, duplicates and a missing state bucket", () => {
        try {
            validateSecurityConfig({
                values: securityValues({
                    ci: {
                        subjects: [
                            "repo:example-org/*:ref:refs/heads/main",
                            "repo:example-org/org-access:pull_request",
                            SUBJECTS[1],
                            SUBJECTS[1],
                        ],
                    },
                }),
                region: "us-east-1",
            });
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            const wrong =
                "must be an exact GitHub subject: repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME, with no wildcard";
            assert.deepStrictEqual(e.message.split("\n").slice(1), [
                `* org-access:ci.subjects[0]: ${wrong} (got "repo:example-org/*:ref:refs/heads/main") (fix with: pulumi config set --path 'ci.subjects[0]' <value>)`,
                `* org-access:ci.subjects[1]: ${wrong} (got "repo:example-org/org-access:pull_req...) (fix with: pulumi config set --path 'ci.subjects[1]' <value>)`,
                `* org-access:ci.stateBucket: is required (set it with: pulumi config set --path 'ci.stateBucket' <value>)`,
                `* org-access:ci.subjects[3]: "${SUBJECTS[1]}" is listed twice (also at ci.subjects[2]) (list each subject once)`,
            ]);
        }
    });
});
