import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import {
    deployTrustPolicy,
    environmentSubject,
    jobWorkflowRef,
    previewPermissionsPolicy,
    pullRequestSubject,
} from "../../components/ciIdentity";
import { PlanResult } from "../../plan/run";
import { evaluateRequest, parsePolicyDocument } from "../../policypack/iam";
import {
    DEV,
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

const REPO = "example-org/org-access";
const KEY = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/11111111-2222-3333-4444-555555555555`;
const PROVIDER = `arn:aws:iam::${MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com`;
const DEPLOY_REF = `${REPO}/.github/workflows/deploy.yml@refs/heads/main`;
const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING, deployRoleName: "WorkloadDeployer" },
    ],
    previewRole: { name: "OrgAccessPreviewRole" },
};
const ci = (extra: Record<string, unknown> = {}) => ({
    ci: { repository: REPO, stateBucket: "example-state", stateKeyArn: KEY, ...extra },
});

/** Would STS let a GitHub token with these claims assume the role? Claims left out are absent. */
function admits(trust: unknown, claims: Record<string, string>): boolean {
    const context: Record<string, string> = {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    };
    for (const [k, v] of Object.entries(claims))
        context[`token.actions.githubusercontent.com:${k}`] = v;
    return (
        evaluateRequest(parsePolicyDocument(trust, "trust"), {
            principal: { type: "federated", provider: PROVIDER },
            action: "sts:AssumeRoleWithWebIdentity",
            context,
        }).decision === "Allow"
    );
}

describe("CiIdentity (GitHub OIDC): a preview identity for pull requests, a deploy identity for main", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planSecurity(securityValues(ci()), projectWith({ workload }));
    });
    const trustOf = (name: string) => one(plan, "aws:iam/role:Role", name).props.assumeRolePolicy;

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

    it("the deploy identity trusts only the production environment, pinned to deploy.yml on main, for one hour", () => {
        const role = one(plan, "aws:iam/role:Role", "ci-deploy-role");
        assert.strictEqual(role.props.name, "org-access-github-deploy");
        assert.strictEqual(role.props.maxSessionDuration, 3600);
        assert.deepStrictEqual(doc(role.props.assumeRolePolicy).Statement, [
            {
                Sid: "DeployWorkflowOnDeployBranchInProtectedEnvironment",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:production`,
                        "token.actions.githubusercontent.com:job_workflow_ref": DEPLOY_REF,
                    },
                },
            },
        ]);
        assert.strictEqual(
            plan.outputs.ciDeployIdentityArn,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
        );
    });

    it("the preview identity trusts only pull requests of this repository that name no environment", () => {
        const role = one(plan, "aws:iam/role:Role", "ci-preview-role");
        assert.strictEqual(role.props.name, "org-access-github-preview");
        assert.strictEqual(role.props.maxSessionDuration, 3600);
        assert.deepStrictEqual(doc(role.props.assumeRolePolicy).Statement, [
            {
                Sid: "PullRequestsOfThisRepository",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": `repo:${REPO}:pull_request`,
                    },
                },
            },
        ]);
        assert.strictEqual(
            plan.outputs.ciPreviewIdentityArn,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
        );
    });

    it("evaluated as STS would: only the deploy job on main gets the deploy identity; pull requests get only the preview identity", () => {
        const deploy = trustOf("ci-deploy-role");
        const preview = trustOf("ci-preview-role");
        const pr = {
            sub: `repo:${REPO}:pull_request`,
            job_workflow_ref: `${REPO}/.github/workflows/preview.yml@refs/pull/7/merge`,
        };
        const legit = { sub: `repo:${REPO}:environment:production`, job_workflow_ref: DEPLOY_REF };
        assert.ok(admits(deploy, legit), "the deploy job");
        assert.ok(admits(preview, pr), "a pull request");
        const refused: [string, unknown, Record<string, string>][] = [
            ["a pull request, for the deploy identity", deploy, pr],
            ["the deploy job, for the preview identity", preview, legit],
            // A pull request whose job names the environment (its branch policy is the only other guard).
            [
                "a PR job naming production",
                deploy,
                {
                    sub: legit.sub,
                    job_workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/pull/7/merge`,
                },
            ],
            [
                "deploy.yml pushed to another branch",
                deploy,
                {
                    sub: legit.sub,
                    job_workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/heads/feature`,
                },
            ],
            [
                "another workflow on main naming production",
                deploy,
                {
                    sub: legit.sub,
                    job_workflow_ref: `${REPO}/.github/workflows/evil.yml@refs/heads/main`,
                },
            ],
            [
                "the old preview environment",
                deploy,
                { sub: `repo:${REPO}:environment:preview`, job_workflow_ref: DEPLOY_REF },
            ],
            [
                "a token without job_workflow_ref (STS without the key fails closed)",
                deploy,
                { sub: legit.sub },
            ],
            ["a lookalike repository", preview, { sub: `repo:${REPO}-fork:pull_request` }],
            ["another owner", preview, { sub: "repo:evil-org/org-access:pull_request" }],
            [
                "another case (StringEquals is case-sensitive)",
                preview,
                { sub: `repo:Example-Org/org-access:pull_request` },
            ],
            [
                "a PR job naming an environment",
                preview,
                { sub: `repo:${REPO}:environment:preview` },
            ],
            ["a branch push", preview, { sub: `repo:${REPO}:ref:refs/heads/feature` }],
        ];
        for (const [what, trust, claims] of refused) assert.ok(!admits(trust, claims), what);
    });

    it("the deploy identity may assume the deploy roles of the listed accounts only (a managed policy), and use the state", () => {
        assert.deepStrictEqual(
            doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "ci-deploy-policy").props.policy)
                .Statement,
            [
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
        const grant = (name: string, accounts: string[], n: number) => ({
            Sid: `AssumeDeployRolesOfListedAccounts${n}`,
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: `arn:aws:iam::*:role/${name}`,
            Condition: {
                StringEquals: {
                    "aws:ResourceOrgID": "o-abcdefghij",
                    "aws:ResourceAccount": accounts,
                },
            },
        });
        const policy = one(plan, "aws:iam/policy:Policy", "ci-deploy-roles-1");
        assert.strictEqual(policy.accountId, MANAGEMENT);
        assert.strictEqual(policy.props.name, "org-access-github-deploy-deploy-roles-1");
        // Each deploy role name with the accounts that use it (management: its own name; the
        // security, log-archive and prod accounts: the default; staging: WorkloadDeployer).
        assert.deepStrictEqual(doc(policy.props.policy).Statement, [
            grant("OrgAccessDeployRole", [MANAGEMENT], 1),
            grant("OrganizationAccountAccessRole", [SECURITY, LOG_ARCHIVE, PROD].sort(), 2),
            grant("WorkloadDeployer", [STAGING], 3),
        ]);
        assert.deepStrictEqual(
            ofType(plan, "aws:iam/policy:Policy")
                .map((p) => p.name)
                .filter((n) => n.startsWith("ci-")),
            ["ci-deploy-roles-1"],
        );
        const attachment = one(
            plan,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "ci-deploy-roles-1",
        );
        assert.deepStrictEqual(attachment.props, {
            role: "org-access-github-deploy",
            policyArn: `arn:aws:iam::${MANAGEMENT}:policy/org-access-github-deploy-deploy-roles-1`,
        });
    });

    it("evaluated as IAM would: the deploy identity reaches a deploy role name only in the accounts that list it, never elsewhere in the organization", () => {
        // Every identity document of the deploy identity: its inline policy and its managed ones.
        const docs = [
            one(plan, "aws:iam/rolePolicy:RolePolicy", "ci-deploy-policy").props.policy,
            ...ofType(plan, "aws:iam/policy:Policy")
                .filter((p) => p.name.startsWith("ci-deploy-"))
                .map((p) => p.props.policy),
        ].map((d) => parsePolicyDocument(d, "identity"));
        const may = (account: string, name: string, org = "o-abcdefghij") =>
            docs.some(
                (d) =>
                    evaluateRequest(d, {
                        action: "sts:AssumeRole",
                        resource: `arn:aws:iam::${account}:role/${name}`,
                        context: { "aws:ResourceOrgID": org, "aws:ResourceAccount": account },
                    }).decision === "Allow",
            );
        assert.ok(may(PROD, "OrganizationAccountAccessRole"));
        assert.ok(may(SECURITY, "OrganizationAccountAccessRole"));
        assert.ok(may(MANAGEMENT, "OrgAccessDeployRole"));
        assert.ok(may(STAGING, "WorkloadDeployer"));
        // An account of the organization no stack lists (AWS created OrganizationAccountAccessRole
        // there, with administrator rights), a listed account under another deploy role's name,
        // and a listed account's id in another organization.
        assert.ok(!may(DEV, "OrganizationAccountAccessRole"));
        assert.ok(!may("210987654320", "OrgAccessDeployRole"));
        assert.ok(!may(STAGING, "OrganizationAccountAccessRole"));
        assert.ok(!may(MANAGEMENT, "OrganizationAccountAccessRole"));
        assert.ok(!may(PROD, "OrganizationAccountAccessRole", "o-zzzzzzzzzz"));
    });

    it("the preview identity may assume only the preview role's name in the organization, read the state and decrypt with its key: no write at all", () => {
        assert.deepStrictEqual(
            doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "ci-preview-policy").props.policy)
                .Statement,
            [
                {
                    Sid: "AssumePreviewRoles",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    // Every account's preview role has one name: one Resource, the account open.
                    Resource: ["arn:aws:iam::*:role/OrgAccessPreviewRole"],
                    Condition: { StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } },
                },
                {
                    Sid: "ListStateBucket",
                    Effect: "Allow",
                    Action: ["s3:GetBucketLocation", "s3:ListBucket"],
                    Resource: "arn:aws:s3:::example-state",
                },
                {
                    Sid: "ReadState",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::example-state/.pulumi/*",
                },
                {
                    Sid: "DecryptState",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: KEY,
                },
            ],
        );
    });

    it("follows a custom environment, branch, workflow and names; can live in the security account; does not exist unless configured", async () => {
        const sec = await planSecurity(
            securityValues(
                ci({
                    account: "security",
                    stateKeyArn: undefined,
                    deployEnvironment: "prod-aws",
                    deployBranch: "release/v2",
                    deployWorkflow: ".github/workflows/release.yaml",
                    deployIdentityName: "gh-deploy",
                    previewIdentityName: "gh-preview",
                    previewRoleName: "ReadOnlyPreview",
                }),
            ),
            projectWith({ workload }),
        );
        const deploy = one(sec, "aws:iam/role:Role", "ci-deploy-role");
        assert.strictEqual(deploy.accountId, SECURITY);
        assert.strictEqual(deploy.props.name, "gh-deploy");
        assert.deepStrictEqual(
            doc(deploy.props.assumeRolePolicy).Statement[0].Condition.StringEquals,
            {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": `repo:${REPO}:environment:prod-aws`,
                "token.actions.githubusercontent.com:job_workflow_ref": `${REPO}/.github/workflows/release.yaml@refs/heads/release/v2`,
            },
        );
        assert.strictEqual(
            one(sec, "aws:iam/role:Role", "ci-preview-role").props.name,
            "gh-preview",
        );
        const grants = doc(
            one(sec, "aws:iam/rolePolicy:RolePolicy", "ci-preview-policy").props.policy,
        );
        assert.deepStrictEqual(
            grants.Statement.map((s) => s.Sid),
            ["AssumePreviewRoles", "ListStateBucket", "ReadState"],
        );
        // This stack's own accounts use ci.previewRoleName; each workload stack its own
        // previewRole.name: each name once, in the organization.
        assert.deepStrictEqual(grants.Statement[0].Resource, [
            "arn:aws:iam::*:role/OrgAccessPreviewRole",
            "arn:aws:iam::*:role/ReadOnlyPreview",
        ]);
        const none = await planSecurity(securityValues(), projectWith({ workload }));
        assert.deepStrictEqual(
            ofType(none, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
            [],
        );
        assert.deepStrictEqual(ofType(none, "org-access:ci:PreviewRole"), []);
    });
});

describe("CiIdentity's subjects and grants refuse anything inexact", () => {
    const pin = {
        repository: REPO,
        environment: "production",
        branch: "main",
        workflow: ".github/workflows/deploy.yml",
    };

    it("writes GitHub's claims exactly", () => {
        assert.strictEqual(pullRequestSubject(REPO), `repo:${REPO}:pull_request`);
        assert.strictEqual(
            environmentSubject(REPO, "production"),
            `repo:${REPO}:environment:production`,
        );
        assert.strictEqual(jobWorkflowRef(pin), DEPLOY_REF);
    });

    it("throws on wildcards, spaces and malformed repositories", () => {
        for (const repo of [
            "example-org/*",
            "*/org-access",
            "example-org",
            "a/b/c",
            "org:x/repo",
            " example-org/org-access",
        ])
            assert.throws(() => pullRequestSubject(repo), /OWNER\/REPO/, repo);
        for (const bad of [
            { ...pin, branch: "*" },
            { ...pin, branch: "release/*" },
            { ...pin, workflow: ".github/workflows/*.yml" },
            { ...pin, environment: "prod?" },
            { ...pin, environment: "prod uction" },
        ])
            assert.throws(
                () => deployTrustPolicy(PROVIDER, bad),
                /must be exact/,
                JSON.stringify(bad),
            );
    });

    it("grants only exact role ARNs", () => {
        for (const arn of [
            "*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::*:role/OrgAccessPreviewRole",
            "arn:aws:iam::123456789012:user/x",
        ])
            assert.throws(
                () =>
                    previewPermissionsPolicy({
                        partition: "aws",
                        organizationId: "o-abcdefghij",
                        stateBucket: "example-state",
                        previewRoleArns: [arn],
                    }),
                /not an exact role ARN/,
                arn,
            );
        assert.throws(
            () =>
                previewPermissionsPolicy({
                    partition: "aws",
                    organizationId: "o-abcdefghij",
                    stateBucket: "s3",
                    previewRoleArns: [],
                }),
            /no preview roles to assume/,
        );
    });
});

describe("ci config", () => {
    const problems = (values: Record<string, unknown>): string[] => {
        try {
            validateSecurityConfig({ values: securityValues(values), region: "us-east-1" });
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.message.split("\n").slice(1);
        }
        return [];
    };

    it("names what replaced the retired ci.subjects and ci.roleName keys", () => {
        const got = problems({
            ci: {
                subjects: [`repo:${REPO}:environment:production`],
                roleName: "old-ci-role",
                stateBucket: "example-state",
            },
        });
        assert.deepStrictEqual(got, [
            "* org-access:ci.repository: is required (set it with: pulumi config set --path 'org-access:ci.repository' example-org/org-access)",
            "* org-access:ci.subjects: is no longer supported: the CI identities are now built from ci.repository, ci.deployEnvironment (default production), ci.deployBranch (default main) and ci.deployWorkflow (default .github/workflows/deploy.yml); pull requests get their own read-only preview identity. Remove ci.subjects and set ci.repository (got a list) (remove it with: pulumi config rm --path 'org-access:ci.subjects')",
            "* org-access:ci.roleName: is no longer supported: the single CI role was split; name the identities with ci.deployIdentityName and ci.previewIdentityName (got \"old-ci-role\") (remove it with: pulumi config rm --path 'org-access:ci.roleName')",
        ]);
    });

    it("does not offer the retired keys when a key is misspelt", () => {
        const [line] = problems({
            ci: { repository: REPO, stateBucket: "example-state", subject: "x" },
        });
        assert.match(line, /^\* org-access:ci\.subject: unknown key/);
        assert.doesNotMatch(line, /allowed keys here: .*\bsubjects\b/);
        assert.doesNotMatch(line, /allowed keys here: .*\broleName\b/);
        assert.match(
            line,
            /allowed keys here: repository, deployEnvironment, deployBranch, deployWorkflow/,
        );
    });

    it("rejects wildcards and malformed pins, one identity for both jobs, and a missing state bucket", () => {
        assert.deepStrictEqual(
            problems({
                ci: {
                    repository: "example-org/*",
                    deployEnvironment: "prod*",
                    deployBranch: "release/*",
                    deployWorkflow: "deploy.yml",
                    deployIdentityName: "gh-ci",
                    previewIdentityName: "gh-ci",
                },
            }),
            [
                `* org-access:ci.repository: must be a GitHub repository written OWNER/REPO (letters, digits, '-', '_' and '.'), with no wildcard (got "example-org/*") (fix with: pulumi config set --path 'org-access:ci.repository' example-org/org-access)`,
                `* org-access:ci.deployEnvironment: must be a GitHub environment name of letters, digits, '-', '_' and '.', with no wildcard (got "prod*") (fix with: pulumi config set --path 'org-access:ci.deployEnvironment' production)`,
                `* org-access:ci.deployBranch: must be a branch name such as main (letters, digits, '.', '_', '-' and '/'), with no wildcard (got "release/*") (fix with: pulumi config set --path 'org-access:ci.deployBranch' main)`,
                `* org-access:ci.deployWorkflow: must be a workflow file of the repository such as .github/workflows/deploy.yml (got "deploy.yml") (fix with: pulumi config set --path 'org-access:ci.deployWorkflow' .github/workflows/deploy.yml)`,
                `* org-access:ci.stateBucket: is required (set it with: pulumi config set --path 'org-access:ci.stateBucket' org-access-state)`,
                `* org-access:ci.previewIdentityName: is the same role as ci.deployIdentityName ("gh-ci"); pull requests would get the deploy identity (give the two identities different names)`,
            ],
        );
        for (const branch of ["/main", "main/", "a..b", "a//b", "x.lock", "ma in"])
            assert.strictEqual(
                problems({
                    ci: { repository: REPO, stateBucket: "example-state", deployBranch: branch },
                }).length,
                1,
                branch,
            );
    });
});
