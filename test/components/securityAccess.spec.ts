import * as assert from "assert";
import {
    assumeAuditRolesPolicy,
    denyWithoutMfaPolicy,
    MFA_BOOTSTRAP_ACTIONS,
    mfaSelfServicePolicy,
} from "../../components/securityAccess";
import { PlanResult } from "../../plan/run";
import { awsPrincipalFromArn, evaluateRequest, parsePolicyDocument } from "../../policypack/iam";
import {
    DEV,
    doc,
    one,
    ofType,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
    statement,
} from "../helpers";

describe("SecurityAccess", () => {
    let plan: PlanResult;
    const root = projectWith({
        workload: {
            securityAccountId: SECURITY,
            workloadAccounts: [
                { name: "prod", accountId: PROD },
                { name: "staging", accountId: STAGING },
            ],
        },
        "workload-dev": {
            securityAccountId: SECURITY,
            workloadAccounts: [{ name: "dev", accountId: DEV }],
            auditRole: { name: "DevAudit", path: "/audit/", mfaMaxAgeSeconds: 900 },
        },
    });
    before(async () => {
        plan = await planSecurity(
            securityValues({ workloadStacks: ["workload", "workload-dev"] }),
            root,
        );
    });

    // Each distinct path and name of the workload stacks' audit roles once, the account field open,
    // bounded to the organization: no account list (components/orgGrants.ts).
    const roleArns = [
        "arn:aws:iam::*:role/SecurityAuditRole",
        "arn:aws:iam::*:role/audit/DevAudit",
    ].sort();
    const inOrg = { StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } };

    it("lets auditors assume the audit roles' path and name of every workload stack in the organization only, only with MFA", () => {
        const s = statement(
            one(plan, "aws:iam/groupPolicy:GroupPolicy", "security-access-auditors-assume").props
                .policy,
            "AssumeAuditRolesWithMfa",
        );
        assert.deepStrictEqual(s, {
            Sid: "AssumeAuditRolesWithMfa",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: roleArns,
            // The strictest MFA age of any workload stack applies.
            Condition: {
                ...inOrg,
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
            },
        });
    });

    it("lets reporters assume the same path and names in the organization, with no other wildcard", () => {
        const d = doc(
            one(plan, "aws:iam/groupPolicy:GroupPolicy", "security-access-reporters-assume").props
                .policy,
        );
        assert.deepStrictEqual(d.Statement, [
            {
                Sid: "AssumeAuditRoles",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: roleArns,
                Condition: inOrg,
            },
        ]);
    });

    it("grows with role names, not accounts: 1,000 accounts' audit roles are one Resource", () => {
        const arns = Array.from(
            { length: 1000 },
            (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/SecurityAuditRole`,
        );
        const d = assumeAuditRolesPolicy(arns, "o-abcdefghij", 3600);
        assert.deepStrictEqual((d.Statement as { Resource: string[] }[])[0].Resource, [
            "arn:aws:iam::*:role/SecurityAuditRole",
        ]);
        assert.ok(JSON.stringify(d).length < 400, JSON.stringify(d));
    });

    it("refuses a wildcard role ARN, no role at all, and a missing or malformed organization id, naming the key", () => {
        assert.throws(
            () => assumeAuditRolesPolicy([`arn:aws:iam::${PROD}:role/*`], "o-abcdefghij"),
            /"arn:aws:iam::777788889999:role\/\*" is not an exact role ARN/,
        );
        assert.throws(
            () => assumeAuditRolesPolicy([`arn:aws:iam::*:role/SecurityAuditRole`], "o-abcdefghij"),
            /is not an exact role ARN/,
        );
        assert.throws(
            () => assumeAuditRolesPolicy([], "o-abcdefghij"),
            /at least one exact role ARN is required/,
        );
        for (const org of ["", "*", "o-*", "o-abc"])
            assert.throws(
                () => assumeAuditRolesPolicy([`arn:aws:iam::${PROD}:role/SecurityAuditRole`], org),
                /is not an organization id \(set org-access:organizationId/,
            );
    });

    it("lets auditors use aws login (SignInLocalDevelopmentAccess), whose session still cannot act or assume a role without MFA", () => {
        const attachments = ofType(
            plan,
            "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        ).filter((a) => String(a.props.policyArn).endsWith(":policy/SignInLocalDevelopmentAccess"));
        assert.deepStrictEqual(
            attachments.map((a) => [a.name, a.props.policyArn, a.accountId]),
            [
                [
                    "security-access-auditors-aws-login",
                    "arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess",
                    SECURITY,
                ],
            ],
        );
        const deny = parsePolicyDocument(
            one(
                plan,
                "aws:iam/groupPolicy:GroupPolicy",
                "security-access-auditors-deny-without-mfa",
            ).props.policy,
            "identity",
        );
        const user = awsPrincipalFromArn(`arn:aws:iam::${SECURITY}:user/org-access/alice`);
        // A session without any MFA key, as an aws login session may be: sign-in token exchange
        // passes the Deny, AssumeRole and everything else does not.
        const decide = (action: string, resource: string) =>
            evaluateRequest(deny, { principal: user, action, resource, context: {} }).decision;
        for (const action of ["signin:CreateOAuth2Token", "signin:AuthorizeOAuth2Access"])
            assert.strictEqual(
                decide(
                    action,
                    "arn:aws:signin:us-east-1:111122223333:oauth2/public-client/localhost",
                ),
                "ImplicitDeny",
                `${action} is not denied without MFA`,
            );
        for (const action of ["sts:AssumeRole", "signin:PutConsoleAuthorizationConfiguration"])
            assert.strictEqual(
                decide(action, `arn:aws:iam::${PROD}:role/SecurityAuditRole`),
                "ExplicitDeny",
                `${action} needs MFA`,
            );
    });

    it("denies auditors everything but MFA setup until they sign in with MFA", () => {
        const d = doc(
            one(
                plan,
                "aws:iam/groupPolicy:GroupPolicy",
                "security-access-auditors-deny-without-mfa",
            ).props.policy,
        );
        assert.deepStrictEqual(d.Statement[0], {
            Sid: "DenyAllExceptMfaSetupWithoutMfa",
            Effect: "Deny",
            // aws login's token exchange is exempt: AWS does not document MFA context for it.
            NotAction: [
                ...MFA_BOOTSTRAP_ACTIONS,
                "signin:AuthorizeOAuth2Access",
                "signin:CreateOAuth2Token",
            ],
            Resource: "*",
            // In a Deny, IfExists is what makes a request without any MFA key (long-term keys) denied too.
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
        });
        assert.ok(
            !MFA_BOOTSTRAP_ACTIONS.includes("sts:AssumeRole"),
            "assuming a role must need MFA",
        );
        assert.ok(
            !MFA_BOOTSTRAP_ACTIONS.includes("iam:DeactivateMFADevice"),
            "removing MFA must need MFA",
        );
        assert.deepStrictEqual(d.Statement[1], {
            Sid: "DenyOwnAccessKeys",
            Effect: "Deny",
            Action: ["iam:CreateAccessKey", "iam:UpdateAccessKey"],
            Resource: "*",
        });
    });

    it("lets each user manage only their own password and MFA device", () => {
        const d = doc(
            one(
                plan,
                "aws:iam/groupPolicy:GroupPolicy",
                "security-access-auditors-mfa-self-service",
            ).props.policy,
        );
        const self = `arn:aws:iam::${SECURITY}:user/org-access/\${aws:username}`;
        assert.deepStrictEqual(
            d.Statement.map((s) => [s.Sid, s.Resource]),
            [
                ["ViewAccountInfo", "*"],
                ["ManageOwnPassword", self],
                // A device of any name, in this account only (AWS's current example).
                ["ManageOwnVirtualMfaDevice", `arn:aws:iam::${SECURITY}:mfa/*`],
                ["ManageOwnUserMfa", self],
            ],
        );
        assert.deepStrictEqual(statement(d, "ViewAccountInfo").Action, [
            "iam:GetAccountPasswordPolicy",
            "iam:ListVirtualMFADevices",
        ]);
    });

    it("creates users in the security account only, with no access keys, login profiles or inline policies", () => {
        const users = ofType(plan, "aws:iam/user:User");
        // By name: the mock runtime's registration order is no property of the program.
        assert.deepStrictEqual(
            users
                .map((u) => [
                    u.props.name,
                    u.props.path,
                    (u.props.tags as Record<string, string>).Kind,
                    u.accountId,
                ])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
            [
                ["alice", "/org-access/", "human", SECURITY],
                ["bob", "/org-access/", "human", SECURITY],
                ["reporter", "/org-access/", "reporter", SECURITY],
            ],
        );
        for (const forbidden of [
            "aws:iam/accessKey:AccessKey",
            "aws:iam/userLoginProfile:UserLoginProfile",
            "aws:iam/userPolicy:UserPolicy",
            "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        ]) {
            assert.deepStrictEqual(ofType(plan, forbidden), [], forbidden);
        }
    });

    it("tags people as human and programs as machine, for the pack's iam-no-human-access-keys", () => {
        const types = ofType(plan, "aws:iam/user:User")
            .map((u) => [
                u.props.name,
                (u.props.tags as Record<string, string>)["org-access:principal-type"],
            ])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepStrictEqual(
            types.filter(([n]) => ["alice", "bob", "reporter"].includes(n as string)),
            [
                ["alice", "human"],
                ["bob", "human"],
                ["reporter", "machine"],
            ],
        );
    });

    it("puts humans in the auditors group and programs in the reporters group", () => {
        const memberships = ofType(plan, "aws:iam/userGroupMembership:UserGroupMembership")
            .map((m) => [m.props.user, m.props.groups])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepStrictEqual(memberships, [
            ["alice", ["org-access-auditors"]],
            ["bob", ["org-access-auditors"]],
            ["reporter", ["org-access-reporters"]],
        ]);
    });

    it("sets a CIS-strength password policy", () => {
        const p = one(
            plan,
            "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
            "security-access-password-policy",
        ).props;
        assert.deepStrictEqual(
            { ...p },
            {
                minimumPasswordLength: 14,
                passwordReusePrevention: 24,
                maxPasswordAge: 90,
                requireLowercaseCharacters: true,
                requireUppercaseCharacters: true,
                requireNumbers: true,
                requireSymbols: true,
                allowUsersToChangePassword: true,
                hardExpiry: false,
            },
        );
    });

    it("exports the principals the workload stack trusts, with each reporter's ExternalId", () => {
        assert.deepStrictEqual(plan.outputs.trustedPrincipals, {
            humanArns: [
                `arn:aws:iam::${SECURITY}:user/org-access/alice`,
                `arn:aws:iam::${SECURITY}:user/org-access/bob`,
            ],
            reporters: [
                {
                    name: "reporter",
                    arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
                    externalId: "ext-id-0123456789abcdef",
                },
            ],
        });
        assert.deepStrictEqual(plan.outputs.grantedAuditRoleArns, [
            `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
            `arn:aws:iam::${STAGING}:role/SecurityAuditRole`,
            `arn:aws:iam::${DEV}:role/audit/DevAudit`,
        ]);
    });
});

describe("SecurityAccess MFA self-service, evaluated", () => {
    // The two group policies an auditor holds besides role assumption, parsed and evaluated with the
    // project's IAM evaluator, as IAM would for a request by that user.
    const path = "/org-access/";
    const policies = [
        parsePolicyDocument(mfaSelfServicePolicy("aws", SECURITY, path), "identity"),
        parsePolicyDocument(denyWithoutMfaPolicy(), "identity"),
    ];
    const userArn = (name: string) => `arn:aws:iam::${SECURITY}:user${path}${name}`;
    const alice = awsPrincipalFromArn(userArn("alice"))!;
    const decide = (action: string, resource: string, mfa: boolean) =>
        evaluateRequest(policies, {
            principal: alice,
            action,
            resource,
            context: mfa
                ? { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60" }
                : {},
        }).decision;

    it("lets a user create a virtual MFA device of any name in the account, before and after MFA", () => {
        for (const name of ["alice", "alice-phone", "YubiKey5", "bob"])
            for (const mfa of [false, true])
                assert.strictEqual(
                    decide(
                        "iam:CreateVirtualMFADevice",
                        `arn:aws:iam::${SECURITY}:mfa/${name}`,
                        mfa,
                    ),
                    "Allow",
                    `${name}, mfa=${mfa}`,
                );
        assert.strictEqual(
            decide("iam:CreateVirtualMFADevice", `arn:aws:iam::${PROD}:mfa/alice-phone`, true),
            "ImplicitDeny",
            "never in another account",
        );
    });

    it("lets a user enable, resync and read devices on their own user only", () => {
        for (const action of ["iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:ListMFADevices"])
            assert.strictEqual(decide(action, userArn("alice"), false), "Allow", action);
        assert.strictEqual(decide("iam:GetMFADevice", userArn("alice"), true), "Allow");
        for (const action of [
            "iam:EnableMFADevice",
            "iam:ResyncMFADevice",
            "iam:DeactivateMFADevice",
            "iam:GetMFADevice",
            "iam:ListMFADevices",
        ]) {
            // Whatever the device is called, it attaches to, or is removed from, a user ARN: bob's is not alice's.
            assert.notStrictEqual(
                decide(action, userArn("bob"), true),
                "Allow",
                `${action} on bob`,
            );
            assert.notStrictEqual(
                decide(action, `arn:aws:iam::${SECURITY}:user/alice`, true),
                "Allow",
                `${action} on a user alice outside the path`,
            );
        }
        assert.notStrictEqual(
            decide("iam:DeleteVirtualMFADevice", `arn:aws:iam::${SECURITY}:mfa/bob`, true),
            "Allow",
            "nobody deletes another's device",
        );
    });

    it("removes a device only with MFA", () => {
        assert.strictEqual(
            decide("iam:DeactivateMFADevice", userArn("alice"), false),
            "ExplicitDeny",
        );
        assert.strictEqual(decide("iam:DeactivateMFADevice", userArn("alice"), true), "Allow");
    });
});
