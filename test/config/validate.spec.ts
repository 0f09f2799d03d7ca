import * as assert from "assert";
import { ConfigError, validateSecurityConfig, validateWorkloadConfig } from "../../config";
import { MANAGEMENT, PROD, SECURITY, STAGING } from "../helpers";

/** The problem lines of a ConfigError, or a failure if the call did not throw one. */
function problems(f: () => unknown): string[] {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message.split("\n").slice(1);
    }
    assert.fail("expected the config to be rejected");
}

// `null` stands for "aws:region not set"; `undefined` would take the default.
const workload =
    (values: Record<string, unknown>, region: string | null = "us-east-1") =>
    () =>
        validateWorkloadConfig({ values, region: region ?? undefined });
const security =
    (values: Record<string, unknown>, region: string | null = "us-east-1") =>
    () =>
        validateSecurityConfig({ values, region: region ?? undefined });
const accounts = [
    { name: "prod", accountId: PROD },
    { name: "staging", accountId: STAGING },
];

describe("config validation: workload stack", () => {
    it("accepts a minimal config and fills in the defaults", () => {
        const cfg = validateWorkloadConfig({
            values: { securityAccountId: SECURITY, workloadAccounts: accounts },
            region: "eu-west-1",
        });
        assert.deepStrictEqual(cfg.workloadAccounts[0], {
            name: "prod",
            accountId: PROD,
            deployRoleName: "OrganizationAccountAccessRole",
        });
        assert.deepStrictEqual(cfg.auditRole, {
            name: "SecurityAuditRole",
            path: "/",
            sessionSeconds: 3600,
            mfaMaxAgeSeconds: 3600,
            managedPolicies: ["SecurityAudit", "ReadOnlyAccess"],
        });
        assert.deepStrictEqual(cfg.tags, {});
    });

    it("rejects a short and a non-numeric account id, naming the key and the fix", () => {
        const lines = problems(
            workload({
                securityAccountId: "12345",
                workloadAccounts: [{ name: "prod", accountId: "77778888999x" }],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:securityAccountId: must be exactly 12 digits, e.g. "123456789012" (got "12345") (fix with: pulumi config set --path 'securityAccountId' 123456789012)`,
            `* org-access:workloadAccounts[0].accountId: must be exactly 12 digits, e.g. "123456789012" (got "77778888999x") (fix with: pulumi config set --path 'workloadAccounts[0].accountId' 123456789012)`,
        ]);
    });

    it("rejects an unquoted account id, which YAML reads as a number", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: 777788889999 }],
            }),
        );
        assert.strictEqual(lines.length, 1);
        assert.match(
            lines[0],
            /^\* org-access:workloadAccounts\[0\]\.accountId: must be a quoted string of 12 digits.*\(got 777788889999\)/,
        );
    });

    it("rejects duplicate names and ids, and the security account as a workload account", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [
                    ...accounts,
                    { name: "prod", accountId: PROD },
                    { name: "sec", accountId: SECURITY },
                ],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts[2].name: duplicate account name "prod" (also at workloadAccounts[0]) (give every account a unique name)`,
            `* org-access:workloadAccounts[2].accountId: duplicate account id ${PROD} (also at workloadAccounts[0]) (list each account once)`,
            `* org-access:workloadAccounts[3].accountId: ${SECURITY} is the security account; it cannot also be a workload account (remove this entry, or correct securityAccountId)`,
        ]);
    });

    it("names a missing key and says how to set it", () => {
        const lines = problems(workload({ securityAccountId: SECURITY }));
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts: is required (must be a list of accounts, not a single value) (set its entries with --path, e.g.: pulumi config set --path 'workloadAccounts[0].name' prod)`,
        ]);
    });

    it("rejects misspelt keys at any depth and suggests the right one", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", acountId: PROD }],
                auditRol: {},
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts[0].accountId: is required (set it with: pulumi config set --path 'workloadAccounts[0].accountId' 123456789012)`,
            `* org-access:workloadAccounts[0].acountId: unknown key (did you mean 'accountId'? remove it with: pulumi config rm --path 'workloadAccounts[0].acountId'; allowed keys here: name, accountId, deployRoleName, deployExternalId, incidentResponseRole, breakGlassRole)`,
            `* org-access:auditRol: unknown key (did you mean 'auditRole'? remove it with: pulumi config rm --path 'auditRol'; allowed keys here: securityAccountId, tags, deploymentMode, stackSet, workloadAccounts, auditRole, securityStack, trustedPrincipals)`,
        ]);
    });

    it("rejects a scalar where a list belongs", () => {
        const lines = problems(workload({ securityAccountId: SECURITY, workloadAccounts: "prod" }));
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts: must be a list of accounts, not a single value (got "prod") (set its entries with --path, e.g.: pulumi config set --path 'workloadAccounts[0].name' prod)`,
        ]);
    });

    it("rejects names that are not lowercase and DNS-like", () => {
        for (const name of ["Prod", "-prod", "prod-", "prod_1", "a".repeat(64), ""]) {
            const lines = problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name, accountId: PROD }],
                }),
            );
            assert.strictEqual(lines.length, 1, name);
            assert.match(
                lines[0],
                /workloadAccounts\[0\]\.name: must be lowercase and DNS-like/,
                name,
            );
        }
        assert.doesNotThrow(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [
                    { name: "a", accountId: PROD },
                    { name: `p-${"1".repeat(61)}`, accountId: STAGING },
                ],
            }),
        );
    });

    it("bounds the session cap to 900-3600 seconds", () => {
        for (const s of [899, 3601, 43200]) {
            const lines = problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts,
                    auditRole: { sessionSeconds: s },
                }),
            );
            assert.strictEqual(lines.length, 1);
            assert.match(
                lines[0],
                /^\* org-access:auditRole\.sessionSeconds: must be at (least 900|most 3600) seconds/,
            );
        }
        assert.doesNotThrow(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                auditRole: { sessionSeconds: 900 },
            }),
        );
    });

    it("rejects an oversized ExternalId and never echoes a secret", () => {
        const secret = "x".repeat(1225);
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD, deployExternalId: secret }],
            }),
        );
        assert.strictEqual(lines.length, 1);
        assert.match(
            lines[0],
            /deployExternalId: is longer than STS allows \(1224 characters maximum\)/,
        );
        assert.ok(!lines[0].includes("xxxx"), "the secret value must not be printed");
    });

    it("requires aws:region and checks it is a region name", () => {
        assert.deepStrictEqual(
            problems(workload({ securityAccountId: SECURITY, workloadAccounts: accounts }, null)),
            [
                "* aws:region: is required: every account provider deploys into it (pulumi config set aws:region us-east-1)",
            ],
        );
        assert.deepStrictEqual(
            problems(
                workload({ securityAccountId: SECURITY, workloadAccounts: accounts }, "useast1"),
            ),
            [
                `* aws:region: "useast1" is not an AWS region name (pulumi config set aws:region us-east-1)`,
            ],
        );
    });

    it("reports every problem at once", () => {
        const lines = problems(
            workload(
                {
                    securityAccountId: "1",
                    workloadAccounts: [{ name: "A", accountId: "2" }],
                    auditRole: { managedPolicies: ["AdministratorAccess"] },
                    extra: true,
                },
                null,
            ),
        );
        assert.strictEqual(lines.length, 6, lines.join("\n"));
    });

    it("accepts trustedPrincipals only from the security account, with no wildcard", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                trustedPrincipals: {
                    humanArns: [
                        `arn:aws:iam::${MANAGEMENT}:user/mallory`,
                        "arn:aws:iam::*:root",
                        `arn:aws:iam::${SECURITY}:user/*`,
                    ],
                },
            }),
        );
        assert.strictEqual(lines.length, 2, lines.join("\n"));
        assert.match(
            lines[0],
            /trustedPrincipals\.humanArns\[1\]: must be an exact IAM user or role ARN, with no wildcard/,
        );
        assert.match(
            lines[1],
            /trustedPrincipals\.humanArns\[2\]: must be an exact IAM user or role ARN, with no wildcard/,
        );
        // The account check runs once the ARNs parse.
        assert.deepStrictEqual(
            problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts,
                    trustedPrincipals: { humanArns: [`arn:aws:iam::${MANAGEMENT}:user/mallory`] },
                }),
            ),
            [
                `* org-access:trustedPrincipals.humanArns[0]: arn:aws:iam::${MANAGEMENT}:user/mallory is not in the security account ${SECURITY} (trust only principals of the security account)`,
            ],
        );
    });

    it("refuses an empty trustedPrincipals and one combined with securityStack", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                securityStack: "o/org-access/security",
                trustedPrincipals: {},
            }),
        );
        assert.deepStrictEqual(lines, [
            "* org-access:trustedPrincipals: names no principal, so nobody could assume the audit roles (add humanArns or reporters, or remove trustedPrincipals to use the security stack's outputs)",
            "* org-access:securityStack: is set together with trustedPrincipals; only one source of trusted principals may be used (remove one of them)",
        ]);
    });
});

describe("config validation: security stack", () => {
    const base = {
        securityAccountId: SECURITY,
        organizationId: "o-abcdefghij",
        managementAccount: { accountId: MANAGEMENT },
        auditors: ["alice"],
    };

    it("defaults the log archive to nothing (the stack uses the security account) and fills trail defaults", () => {
        const cfg = validateSecurityConfig({ values: base, region: "us-east-1" });
        assert.strictEqual(cfg.logArchiveAccount, undefined);
        assert.deepStrictEqual(cfg.trail, {
            name: "org-access",
            logGroupRetentionDays: 365,
            transitionDays: 90,
            storageClass: "GLACIER",
        });
        assert.deepStrictEqual(cfg.passwordPolicy, {
            minimumLength: 14,
            reusePrevention: 24,
            maxAgeDays: 90,
        });
        assert.deepStrictEqual(cfg.workloadStacks, ["workload"]);
    });

    it("rejects duplicate people, shared ExternalIds and a user who is both human and program", () => {
        const lines = problems(
            security({
                ...base,
                auditors: ["alice", "bob", "alice"],
                reporters: [
                    { name: "bob", externalId: "same-external-id" },
                    { name: "scanner", externalId: "same-external-id" },
                    { name: "scanner", externalId: "other-external-id" },
                ],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:auditors[2]: duplicate auditor "alice" (also at auditors[0]) (list each person once)`,
            `* org-access:reporters[2].name: duplicate reporter "scanner" (also at reporters[1]) (give every reporter a unique name)`,
            `* org-access:reporters[1].externalId: same ExternalId as reporters[0]; each reporter needs its own (pulumi config set --secret --path 'reporters[1].externalId' "$(openssl rand -hex 32)")`,
            `* org-access:reporters[0].name: "bob" is also an auditor; one IAM user cannot be both a human and a program (use a separate user name for the program)`,
        ]);
    });

    it("requires somebody to use the audit roles", () => {
        assert.deepStrictEqual(problems(security({ ...base, auditors: [] })), [
            "* org-access:auditors: no auditor and no reporter is configured, so nobody could use the audit roles (pulumi config set --path 'auditors[0]' alice)",
        ]);
    });

    it("rejects a weak password policy and logs that would expire before cold storage", () => {
        const lines = problems(
            security({
                ...base,
                passwordPolicy: { minimumLength: 8 },
                trail: { transitionDays: 90, expirationDays: 30, logGroupRetentionDays: 42 },
            }),
        );
        assert.strictEqual(lines.length, 3, lines.join("\n"));
        assert.match(
            lines[0],
            /passwordPolicy\.minimumLength: must be at least 14 \(CIS AWS Foundations 1\.8\)/,
        );
        assert.match(lines[1], /trail\.logGroupRetentionDays: must be one of CloudWatch's periods/);
        assert.match(lines[2], /trail\.expirationDays: must be greater than trail\.transitionDays/);
    });

    it("rejects two deploy role names for one account", () => {
        assert.deepStrictEqual(
            problems(
                security({
                    ...base,
                    managementAccount: { accountId: MANAGEMENT, deployRoleName: "A" },
                    logArchiveAccount: { accountId: MANAGEMENT, deployRoleName: "B" },
                }),
            ),
            [
                `* org-access:logArchiveAccount.deployRoleName: account ${MANAGEMENT} is already reached through managementAccount.deployRoleName = A; one account has one deploy role (use the same deploy role name in both places)`,
            ],
        );
    });

    it("rejects a bad organization id and an unknown key", () => {
        const lines = problems(security({ ...base, organizationId: "o-ABC", trailName: "x" }));
        assert.deepStrictEqual(
            lines.map((l) => l.split(":")[1]),
            ["organizationId", "trailName"],
        );
    });
});
