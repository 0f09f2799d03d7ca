import * as assert from "assert";
import { assumeAuditRolesPolicy, MFA_BOOTSTRAP_ACTIONS } from "../../components/securityAccess";
import { PlanResult } from "../../plan/run";
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

    const roleArns = [
        `arn:aws:iam::${DEV}:role/audit/DevAudit`,
        `arn:aws:iam::${STAGING}:role/SecurityAuditRole`,
        `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
    ].sort();

    it("lets auditors assume exactly the audit roles of every workload stack, only with MFA", () => {
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
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
            },
        });
    });

    it("lets reporters assume exactly the same roles, with no wildcard", () => {
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
            },
        ]);
    });

    it("refuses to grant a wildcard role ARN", () => {
        assert.throws(
            () => assumeAuditRolesPolicy([`arn:aws:iam::${PROD}:role/*`]),
            /has a wildcard; grant exact role ARNs only/,
        );
        assert.throws(() => assumeAuditRolesPolicy([]), /at least one exact audit role ARN/);
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
            NotAction: MFA_BOOTSTRAP_ACTIONS,
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
                ["ManageOwnVirtualMfaDevice", `arn:aws:iam::${SECURITY}:mfa/\${aws:username}`],
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
        assert.deepStrictEqual(
            users.map((u) => [
                u.props.name,
                u.props.path,
                (u.props.tags as Record<string, string>).Kind,
                u.accountId,
            ]),
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
        const types = ofType(plan, "aws:iam/user:User").map((u) => [
            u.props.name,
            (u.props.tags as Record<string, string>)["org-access:principal-type"],
        ]);
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
        const memberships = ofType(plan, "aws:iam/userGroupMembership:UserGroupMembership").map(
            (m) => [m.props.user, m.props.groups],
        );
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
